package dev.flowtel.flink.traffic;

import dev.flowtel.flink.testing.CollectingSink;
import static dev.flowtel.flink.traffic.ScriptedFlows.CHECKOUT_0;
import static dev.flowtel.flink.traffic.ScriptedFlows.CHECKOUT_0_IP;
import static dev.flowtel.flink.traffic.ScriptedFlows.FRONTEND_1;
import static dev.flowtel.flink.traffic.ScriptedFlows.FRONTEND_1_IP;
import static dev.flowtel.flink.traffic.ScriptedFlows.FRONTEND_2;
import static dev.flowtel.flink.traffic.ScriptedFlows.FRONTEND_2_IP;
import static dev.flowtel.flink.traffic.ScriptedFlows.INTERNET;
import static dev.flowtel.flink.traffic.ScriptedFlows.INTERNET_IP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.flink.input.DeadLetter;
import dev.flowtel.flink.input.FlowRecordDecoder;
import dev.flowtel.flink.input.SourceRecord;
import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.ServiceTraffic;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given frontends calling checkout and the internet, every exchange observed at two nodes in both
 * directions, with one flow out of order, one late within the allowed lateness and one beyond it,
 * and a record that is not Avro, when the aggregation job runs on a MiniCluster, then each window
 * of each edge comes out with exact counts, the late flow revises its window, and the garbage and
 * the too-late flow reach the dead-letter sink with their reasons.
 */
@Timeout(180)
class TrafficAggregationJobTest {

  private static final int SYN_ACK = 0x12;
  private static final int FIN = 0x01;
  private static final int RST = 0x04;
  private static final int SYN = 0x02;
  private static final int ACK = 0x10;

  @Test
  void scriptedFlowsAggregateToExactWindowsWithRevisionsAndDeadLetters() throws Exception {
    ScriptedFlows script = new ScriptedFlows()
        .exchange(FRONTEND_1, FRONTEND_1_IP, 41000, CHECKOUT_0, CHECKOUT_0_IP, 8080, 2.0, 500, 9_000, SYN_ACK, SYN_ACK, 300L)
        .garbage("not avro at all".getBytes())
        .exchange(FRONTEND_2, FRONTEND_2_IP, 42000, CHECKOUT_0, CHECKOUT_0_IP, 8080, 4.0, 700, 120, SYN_ACK, SYN_ACK | RST, 200L)
        .exchange(FRONTEND_1, FRONTEND_1_IP, 50123, INTERNET, INTERNET_IP, 443, 9.5, 1_000, 20_000, SYN_ACK, SYN_ACK, 20_000L)
        // Out of order, within the bound: ends at 8 s, arrives after 9.5 s.
        .exchange(FRONTEND_2, FRONTEND_2_IP, 42001, CHECKOUT_0, CHECKOUT_0_IP, 8080, 8.0, 800, 1_600, SYN_ACK | FIN, SYN_ACK | FIN, 900L)
        .exchange(FRONTEND_1, FRONTEND_1_IP, 41001, CHECKOUT_0, CHECKOUT_0_IP, 8080, 12.0, 100, 200, 0x10, 0x10, null)
        .exchange(FRONTEND_2, FRONTEND_2_IP, 42002, CHECKOUT_0, CHECKOUT_0_IP, 8080, 15.0, 300, 600, SYN_ACK | FIN, SYN_ACK | FIN, 400L)
        // Late, within the allowed lateness: window [0 s, 10 s) was emitted and is revised.
        .exchange(FRONTEND_1, FRONTEND_1_IP, 41002, CHECKOUT_0, CHECKOUT_0_IP, 8080, 6.0, 50, 70, SYN_ACK | FIN, SYN_ACK | FIN, 100L)
        .exchange(FRONTEND_2, FRONTEND_2_IP, 42003, CHECKOUT_0, CHECKOUT_0_IP, 8080, 30.0, 10, 20, SYN_ACK, SYN_ACK, null)
        // Beyond the allowed lateness: both counted observations go to the DLQ.
        .exchange(FRONTEND_1, FRONTEND_1_IP, 41003, CHECKOUT_0, CHECKOUT_0_IP, 8080, 3.0, 5, 5, SYN_ACK, SYN_ACK, null);

    Result result = run(script.arrivals(), "--window", "10s", "--rollup", "0", "--max-out-of-orderness", "2s",
        "--allowed-lateness", "5s");

    String checkout = "shop/Deployment/frontend>shop/Service/checkout:8080/6";
    String internet = "shop/Deployment/frontend>-/External/PUBLIC:443/6";
    assertThat(result.traffic().stream().map(TrafficAggregationJobTest::describe).toList()).containsExactlyInAnyOrder(
        checkout + " @0s+10s r0: bytes 2000/10720 packets 3/11 flows 3 opened 3 closed 1 resets 1 pods 2 rtt p50 300 p99 900",
        checkout + " @0s+10s r1: bytes 2050/10790 packets 4/12 flows 4 opened 4 closed 2 resets 1 pods 2 rtt p50 300 p99 900",
        internet + " @0s+10s r0: bytes 1000/20000 packets 1/20 flows 1 opened 1 closed 0 resets 0 pods 1 rtt p50 20000 p99 20000",
        checkout + " @10s+10s r0: bytes 400/800 packets 2/2 flows 2 opened 1 closed 1 resets 0 pods 2 rtt p50 400 p99 400",
        checkout + " @30s+10s r0: bytes 10/20 packets 1/1 flows 1 opened 1 closed 0 resets 0 pods 1 rtt p50 - p99 -");
    assertThat(result.deadLetters()).extracting(DeadLetter::reason)
        .containsExactlyInAnyOrder("not-single-object", "late", "late");
    assertThat(result.deadLetters()).filteredOn(d -> d.reason().equals("late"))
        .allSatisfy(d -> assertThat(d.detail()).contains("flow ended at 2026-11-26T10:00:03Z, its window closed"));
  }

  @Test
  void theRollupSumsTheSameFlowsOverItsLongerWindow() throws Exception {
    ScriptedFlows script = new ScriptedFlows()
        .exchange(FRONTEND_1, FRONTEND_1_IP, 41000, CHECKOUT_0, CHECKOUT_0_IP, 8080, 2.0, 500, 9_000, SYN_ACK, SYN_ACK, 300L)
        .exchange(FRONTEND_2, FRONTEND_2_IP, 42000, CHECKOUT_0, CHECKOUT_0_IP, 8080, 14.0, 700, 120, SYN_ACK, SYN_ACK, 200L)
        .exchange(FRONTEND_2, FRONTEND_2_IP, 42001, CHECKOUT_0, CHECKOUT_0_IP, 8080, 71.0, 800, 1_600, SYN_ACK, SYN_ACK, 900L);

    Result result = run(script.arrivals(), "--window", "10s", "--rollup", "1m");

    assertThat(result.traffic()).filteredOn(t -> t.getWindowEnd().toEpochMilli() - t.getWindowStart().toEpochMilli() == 60_000)
        .extracting(TrafficAggregationJobTest::describe).containsExactlyInAnyOrder(
            // t-digest places the median of two samples at the upper one, as Elasticsearch's percentiles do.
            "shop/Deployment/frontend>shop/Service/checkout:8080/6 @0s+60s r0: bytes 1200/9120 packets 2/10 flows 2 opened 2 closed 0 resets 0 pods 2 rtt p50 300 p99 300",
            "shop/Deployment/frontend>shop/Service/checkout:8080/6 @60s+60s r0: bytes 800/1600 packets 1/1 flows 1 opened 1 closed 0 resets 0 pods 1 rtt p50 900 p99 900");
    assertThat(result.traffic()).filteredOn(t -> t.getWindowEnd().toEpochMilli() - t.getWindowStart().toEpochMilli() == 10_000)
        .hasSize(3);
  }

  /**
   * Given frontend-1 probing 2,000 ports of checkout's pod, where no Service exposes them, each
   * refused, half in each of two windows, beside a real call to the checkout Service, then each
   * window holds one edge of failed attempts with their counts, and the real edge is as it was.
   */
  @Test
  void aPortScanIsOneEdgeOfFailedAttemptsPerWindow() throws Exception {
    Endpoint bareCheckout = Endpoint.newBuilder(CHECKOUT_0).setServices(List.of()).build();
    ScriptedFlows script = new ScriptedFlows()
        .exchange(FRONTEND_2, FRONTEND_2_IP, 42000, CHECKOUT_0, CHECKOUT_0_IP, 8080, 4.0, 700, 120, SYN_ACK, SYN_ACK, 200L);
    for (int port = 1; port <= 2_000; port++) {
      script.exchange(FRONTEND_1, FRONTEND_1_IP, 40000, bareCheckout, CHECKOUT_0_IP, port, port <= 1_000 ? 2.0 : 12.0,
          60, 40, SYN, RST | ACK, null);
    }

    Result result = run(script.arrivals(), "--window", "10s", "--rollup", "1m");

    String scan = "shop/Deployment/frontend>shop/StatefulSet/checkout:*/6";
    String checkout = "shop/Deployment/frontend>shop/Service/checkout:8080/6";
    assertThat(result.traffic().stream().map(TrafficAggregationJobTest::describeWithAttempts).toList()).containsExactlyInAnyOrder(
        scan + " @0s+10s r0: attempts 1000 ports 1000 addresses 1 bytes 60000/40000 flows 1000 opened 1000 resets 1000",
        scan + " @10s+10s r0: attempts 1000 ports 1000 addresses 1 bytes 60000/40000 flows 1000 opened 1000 resets 1000",
        scan + " @0s+60s r0: attempts 2000 ports 2000 addresses 1 bytes 120000/80000 flows 2000 opened 2000 resets 2000",
        checkout + " @0s+10s r0: attempts 0 ports 0 addresses 0 bytes 700/120 flows 1 opened 1 resets 0",
        checkout + " @0s+60s r0: attempts 0 ports 0 addresses 0 bytes 700/120 flows 1 opened 1 resets 0");
    assertThat(result.traffic()).filteredOn(ServiceTraffic::getPortsFolded).allSatisfy(t -> assertThat(t.getDestinationPort()).isZero());
  }

  /** An edge, its window and what the failed attempts' counts and the main sums are. */
  static String describeWithAttempts(ServiceTraffic t) {
    long start = (t.getWindowStart().toEpochMilli() - ScriptedFlows.T0.toEpochMilli()) / 1000;
    long size = (t.getWindowEnd().toEpochMilli() - t.getWindowStart().toEpochMilli()) / 1000;
    return String.format("%s @%ds+%ds r%d: attempts %d ports %d addresses %d bytes %d/%d flows %d opened %d resets %d",
        TrafficWindows.edgeKey(t), start, size, t.getRevision(), t.getFailedAttempts(), t.getDistinctDestinationPorts(),
        t.getDistinctDestinationAddresses(), t.getBytesToDestination(), t.getBytesToSource(), t.getFlows(),
        t.getConnectionsOpened(), t.getTcpResets());
  }

  record Result(List<ServiceTraffic> traffic, List<DeadLetter> deadLetters) {}

  static Result run(List<byte[]> arrivals, String... options) throws Exception {
    // What the Kafka deserializer would emit: duplicates observations are already gone.
    FlowRecordDecoder decoder = new FlowRecordDecoder();
    ArrayList<byte[]> counted = new ArrayList<>(arrivals.stream()
        .filter(bytes -> decoder.decode(null, bytes, "scripted", 0, -1).isPresent()).toList());
    TrafficAggregationConfig config = TrafficAggregationConfig.parse(options);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        Configuration.fromMap(config.flinkConfiguration()));
    env.setParallelism(1);
    String run = UUID.randomUUID().toString();
    CollectingSink<ServiceTraffic> traffic = new CollectingSink<>("traffic-" + run);
    CollectingSink<DeadLetter> deadLetters = new CollectingSink<>("dlq-" + run);
    DataGeneratorSource<SourceRecord> source = new DataGeneratorSource<>(
        index -> new FlowRecordDecoder().decode(null, counted.get(index.intValue()), "scripted", 0, index).orElseThrow(),
        counted.size(), TypeInformation.of(SourceRecord.class));
    new TrafficAggregationJob(config, source, traffic, deadLetters).attachTo(env);
    env.execute("scripted traffic aggregation");
    return new Result(traffic.collected(), deadLetters.collected());
  }

  static String describe(ServiceTraffic t) {
    long start = (t.getWindowStart().toEpochMilli() - ScriptedFlows.T0.toEpochMilli()) / 1000;
    long size = (t.getWindowEnd().toEpochMilli() - t.getWindowStart().toEpochMilli()) / 1000;
    String edge = end(t.getSource()) + ">" + end(t.getDestination()) + ":" + t.getDestinationPort() + "/" + t.getProtocol();
    return String.format("%s @%ds+%ds r%d: bytes %d/%d packets %d/%d flows %d opened %d closed %d resets %d pods %d rtt p50 %s p99 %s",
        edge, start, size, t.getRevision(), t.getBytesToDestination(), t.getBytesToSource(), t.getPacketsToDestination(),
        t.getPacketsToSource(), t.getFlows(), t.getConnectionsOpened(), t.getConnectionsClosed(), t.getTcpResets(),
        t.getDistinctSourcePods(), t.getRttP50Micros() == null ? "-" : t.getRttP50Micros(),
        t.getRttP99Micros() == null ? "-" : t.getRttP99Micros());
  }

  private static String end(dev.flowtel.schema.EdgeEndpoint e) {
    return (e.getNamespace() == null ? "-" : e.getNamespace()) + "/" + e.getKind() + "/" + e.getName();
  }
}
