package dev.flowtel.streams.traffic;

import static dev.flowtel.streams.ScriptedFlows.CHECKOUT_0;
import static dev.flowtel.streams.ScriptedFlows.CHECKOUT_0_IP;
import static dev.flowtel.streams.ScriptedFlows.FRONTEND_1;
import static dev.flowtel.streams.ScriptedFlows.FRONTEND_1_IP;
import static dev.flowtel.streams.ScriptedFlows.FRONTEND_2;
import static dev.flowtel.streams.ScriptedFlows.FRONTEND_2_IP;
import static dev.flowtel.streams.ScriptedFlows.INTERNET;
import static dev.flowtel.streams.ScriptedFlows.INTERNET_IP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.traffic.TrafficAccumulator;
import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.core.latency.LatencyHistogram;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.streams.Driver;
import dev.flowtel.streams.ScriptedFlows;
import dev.flowtel.wire.DeadLetterHeaders;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The Flink job's scripted scenario, through the Kafka Streams topology in a TopologyTestDriver:
 * frontends calling checkout and the internet, every exchange observed at two nodes in both
 * directions, one flow out of order, one late within the allowed lateness and one beyond it, and a
 * record that is not Avro. Then each window of each edge comes out with the same exact counts as
 * the Flink job's, the late flow revises its window, and the garbage and the too-late flow reach
 * the dead-letter topic with their reasons and provenance headers.
 */
class TrafficTopologyTest {

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
        .exchange(FRONTEND_2, FRONTEND_2_IP, 42001, CHECKOUT_0, CHECKOUT_0_IP, 8080, 8.0, 800, 1_600, SYN_ACK | FIN, SYN_ACK | FIN, 900L)
        .exchange(FRONTEND_1, FRONTEND_1_IP, 41001, CHECKOUT_0, CHECKOUT_0_IP, 8080, 12.0, 100, 200, 0x10, 0x10, null)
        .exchange(FRONTEND_2, FRONTEND_2_IP, 42002, CHECKOUT_0, CHECKOUT_0_IP, 8080, 15.0, 300, 600, SYN_ACK | FIN, SYN_ACK | FIN, 400L)
        .exchange(FRONTEND_1, FRONTEND_1_IP, 41002, CHECKOUT_0, CHECKOUT_0_IP, 8080, 6.0, 50, 70, SYN_ACK | FIN, SYN_ACK | FIN, 100L)
        .exchange(FRONTEND_2, FRONTEND_2_IP, 42003, CHECKOUT_0, CHECKOUT_0_IP, 8080, 30.0, 10, 20, SYN_ACK, SYN_ACK, null)
        .exchange(FRONTEND_1, FRONTEND_1_IP, 41003, CHECKOUT_0, CHECKOUT_0_IP, 8080, 3.0, 5, 5, SYN_ACK, SYN_ACK, null);

    long startedAt = System.currentTimeMillis();
    try (Driver app = new Driver("--window", "10s", "--rollup", "0", "--max-out-of-orderness", "2s",
        "--allowed-lateness", "5s", "--no-detection")) {
      script.arrivals().forEach(bytes -> app.flow("edge".getBytes(StandardCharsets.UTF_8), bytes));
      // Before event time runs on, only the windows the watermark closed are out.
      String checkout = ScriptedFlows.CHECKOUT_EDGE;
      String internet = "shop/Deployment/frontend>-/External/PUBLIC:443/6";
      assertThat(app.traffic().stream().map(TrafficTopologyTest::describe).toList()).containsExactlyInAnyOrder(
          checkout + " @0s+10s r0: bytes 2000/10720 packets 3/11 flows 3 opened 3 closed 1 resets 1 pods 2 rtt p50 300 p99 900",
          checkout + " @0s+10s r1: bytes 2050/10790 packets 4/12 flows 4 opened 4 closed 2 resets 1 pods 2 rtt p50 300 p99 900",
          internet + " @0s+10s r0: bytes 1000/20000 packets 1/20 flows 1 opened 1 closed 0 resets 0 pods 1 rtt p50 20000 p99 20000",
          checkout + " @10s+10s r0: bytes 400/800 packets 2/2 flows 2 opened 1 closed 1 resets 0 pods 2 rtt p50 400 p99 400");
      app.finish();
      assertThat(app.traffic().stream().map(TrafficTopologyTest::describe).toList()).containsExactly(
          checkout + " @30s+10s r0: bytes 10/20 packets 1/1 flows 1 opened 1 closed 0 resets 0 pods 1 rtt p50 - p99 -");

      List<TestRecord<byte[], byte[]>> dead = app.deadLetters();
      assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON))
          .containsExactlyInAnyOrder("not-single-object", "late", "late");
      assertThat(dead).filteredOn(r -> header(r, DeadLetterHeaders.REASON).equals("late"))
          .allSatisfy(r -> {
            assertThat(header(r, DeadLetterHeaders.DETAIL)).contains("flow ended at 2026-11-26T10:00:03Z, its window closed");
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(checkout);
          });
      TestRecord<byte[], byte[]> garbage = dead.stream()
          .filter(r -> header(r, DeadLetterHeaders.REASON).equals("not-single-object")).findFirst().orElseThrow();
      assertThat(garbage.value()).isEqualTo("not avro at all".getBytes());
      assertThat(header(garbage, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Driver.FLOWS);
      assertThat(header(garbage, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
      assertThat(header(garbage, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("4");
      assertThat(header(garbage, DeadLetterHeaders.PRODUCER)).isEqualTo("kafka-streams");
      assertThat(app.metrics.lateFlows.sum()).isEqualTo(2);
      assertThat(app.metrics.duplicateObservations.sum()).isEqualTo(18);
      // Four first revisions (r0) produced, each measured once from its window's end (at most 10:00:40) to the wall clock.
      LatencyHistogram.Snapshot produced = app.metrics.producedLatency.snapshot("traffic");
      assertThat(produced.count()).isEqualTo(4);
      assertThat(produced.sumMillis()).isGreaterThanOrEqualTo(4 * (startedAt - ScriptedFlows.T0.plusSeconds(40).toEpochMilli()));
    }
  }

  @Test
  void theRollupSumsTheSameFlowsOverItsLongerWindow() throws Exception {
    ScriptedFlows script = new ScriptedFlows()
        .exchange(FRONTEND_1, FRONTEND_1_IP, 41000, CHECKOUT_0, CHECKOUT_0_IP, 8080, 2.0, 500, 9_000, SYN_ACK, SYN_ACK, 300L)
        .exchange(FRONTEND_2, FRONTEND_2_IP, 42000, CHECKOUT_0, CHECKOUT_0_IP, 8080, 14.0, 700, 120, SYN_ACK, SYN_ACK, 200L)
        .exchange(FRONTEND_2, FRONTEND_2_IP, 42001, CHECKOUT_0, CHECKOUT_0_IP, 8080, 71.0, 800, 1_600, SYN_ACK, SYN_ACK, 900L);
    try (Driver app = new Driver("--window", "10s", "--rollup", "1m", "--no-detection")) {
      script.arrivals().forEach(bytes -> app.flow(null, bytes));
      app.finish();
      List<ServiceTraffic> traffic = app.traffic();
      assertThat(traffic).filteredOn(t -> t.getWindowEnd().toEpochMilli() - t.getWindowStart().toEpochMilli() == 60_000)
          .extracting(TrafficTopologyTest::describe).containsExactlyInAnyOrder(
              ScriptedFlows.CHECKOUT_EDGE + " @0s+60s r0: bytes 1200/9120 packets 2/10 flows 2 opened 2 closed 0 resets 0 pods 2 rtt p50 300 p99 300",
              ScriptedFlows.CHECKOUT_EDGE + " @60s+60s r0: bytes 800/1600 packets 1/1 flows 1 opened 1 closed 0 resets 0 pods 1 rtt p50 900 p99 900");
      assertThat(traffic).filteredOn(t -> t.getWindowEnd().toEpochMilli() - t.getWindowStart().toEpochMilli() == 10_000)
          .hasSize(3);
    }
  }

  /**
   * Given calls on one edge within one window, then after every record (the test driver commits after
   * each) the window in its open store holds every flow so far, not only the window on the heap: what
   * a task commits must include the flows its committed offsets cover.
   */
  @Test
  void everyCommitLeavesTheOpenWindowsFlowsInTheirStore() throws Exception {
    ScriptedFlows script = new ScriptedFlows();
    for (int i = 0; i < 25; i++) {
      script.exchange(FRONTEND_1, FRONTEND_1_IP, 41000 + i, CHECKOUT_0, CHECKOUT_0_IP, 8080, 1.0 + i * 0.1, 100, 1_000,
          SYN_ACK, SYN_ACK, null);
    }
    try (Driver app = new Driver("--window", "10s", "--rollup", "0", "--no-detection")) {
      KeyValueStore<Bytes, byte[]> open = app.driver().getKeyValueStore(TrafficWindowProcessor.openStore(10_000));
      List<byte[]> arrivals = script.arrivals();
      for (int n = 0; n < arrivals.size(); n++) {
        app.flow(null, arrivals.get(n));
        if (n % 4 == 3) { // an exchange's four observations in
          int exchanges = n / 4 + 1;
          List<ServiceTraffic> stored = new ArrayList<>();
          try (KeyValueIterator<Bytes, byte[]> it = open.all()) {
            it.forEachRemaining(e -> stored.add(accumulator(e.value).toServiceTraffic(0, 10_000, 0)));
          }
          assertThat(stored).as("the open store after %d exchanges", exchanges).singleElement().satisfies(t -> {
            assertThat(t.getFlows()).isEqualTo(exchanges);
            assertThat(t.getBytesToDestination()).isEqualTo(100L * exchanges);
            assertThat(t.getBytesToSource()).isEqualTo(1_000L * exchanges);
          });
        }
      }
      app.finish();
      assertThat(app.traffic()).extracting(ServiceTraffic::getFlows).containsExactly(25L);
    }
  }

  private static TrafficAccumulator accumulator(byte[] stored) {
    try {
      return TrafficAccumulator.readFrom(new DataInputStream(new ByteArrayInputStream(stored)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

    List<ServiceTraffic> traffic;
    try (Driver app = new Driver("--window", "10s", "--rollup", "1m", "--no-detection")) {
      script.arrivals().forEach(bytes -> app.flow(null, bytes));
      app.finish();
      traffic = app.traffic();
    }

    String scan = "shop/Deployment/frontend>shop/StatefulSet/checkout:*/6";
    String checkout = "shop/Deployment/frontend>shop/Service/checkout:8080/6";
    assertThat(traffic.stream().map(TrafficTopologyTest::describeWithAttempts).toList()).containsExactlyInAnyOrder(
        scan + " @0s+10s r0: attempts 1000 ports 1000 addresses 1 bytes 60000/40000 flows 1000 opened 1000 resets 1000",
        scan + " @10s+10s r0: attempts 1000 ports 1000 addresses 1 bytes 60000/40000 flows 1000 opened 1000 resets 1000",
        scan + " @0s+60s r0: attempts 2000 ports 2000 addresses 1 bytes 120000/80000 flows 2000 opened 2000 resets 2000",
        checkout + " @0s+10s r0: attempts 0 ports 0 addresses 0 bytes 700/120 flows 1 opened 1 resets 0",
        checkout + " @0s+60s r0: attempts 0 ports 0 addresses 0 bytes 700/120 flows 1 opened 1 resets 0");
    assertThat(traffic).filteredOn(ServiceTraffic::getPortsFolded).allSatisfy(t -> assertThat(t.getDestinationPort()).isZero());
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

  static String header(TestRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  public static String describe(ServiceTraffic t) {
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
