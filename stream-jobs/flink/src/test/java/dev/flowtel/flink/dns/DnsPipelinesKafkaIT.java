package dev.flowtel.flink.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.flink.detection.PolicyAnomalyConfig;
import dev.flowtel.flink.detection.PolicyAnomalyJob;
import dev.flowtel.flink.testing.KafkaTopics;
import dev.flowtel.flink.traffic.TrafficAggregationConfig;
import dev.flowtel.flink.traffic.TrafficAggregationJob;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.DnsActivity;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.AvroClassTrust;
import dev.flowtel.wire.DeadLetterHeaders;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given DNS transactions and a poison record on a DNS topic of the real broker, when the deployed
 * jobs (Kafka sources, transactional Kafka sinks) run bounded on a MiniCluster, then the traffic job
 * writes exactly the expected DnsActivity rows (counts per response class, percentiles from the
 * documented buckets), and the poison record and a query too late for its window to the DLQ with their
 * reasons and original bytes (the late one counted in no row), and the policy anomaly job
 * (which drops the poison record, leaving its dead letter to the traffic job) raises one NXDOMAIN_SPIKE for the workload with a generated-domain burst, one DNS_TUNNEL for the
 * workload with encoded names, and nothing for the workload whose queries stay ordinary.
 */
@WithKafka
@Timeout(300)
class DnsPipelinesKafkaIT {

  static final long MINUTE = 60_000;
  static final WireCodec<DnsTransaction> DNS = WireCodec.of(RecordType.DNS_TRANSACTION);

  @BeforeAll
  static void trustAvroClasses() {
    AvroClassTrust.install(); // the builders below resolve generated enums before any codec would install it
  }

  @Test
  void theTrafficJobAggregatesDnsPerWorkloadAndNameExactlyOnce(KafkaFixture kafka) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String dns = "it.dns." + run;
    String activity = "it.dns-activity." + run;
    String dlq = "it.dlq." + run;
    String flows = "it.flows." + run;
    KafkaTopics topics = new KafkaTopics(kafka.bootstrapServers());
    topics.create(1, dns, activity, dlq, flows, "it.traffic." + run);
    // Recent event times: the rows' record time is their window's end, which topic retention must keep.
    long t0 = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.HOURS).toEpochMilli();
    Endpoint cart = pod("cart");
    Endpoint web = pod("web");
    List<byte[]> records = new ArrayList<>();
    records.add(encode(transaction(cart, "api.example.com", t0 + 1_000, 0, 1_000L)));
    records.add(encode(transaction(cart, "API.example.com.", t0 + 2_000, 0, 2_000L)));
    records.add(encode(transaction(cart, "api.example.com", t0 + 3_000, 0, 3_000L)));
    records.add(encode(DnsTransaction.newBuilder(transaction(cart, "api.example.com", t0 + 4_000, 0, 40_000L)).setTruncated(true).build()));
    records.add(encode(transaction(cart, "api.example.com", t0 + 5_000, null, null)));
    records.add(new byte[] {(byte) 0xC3, 0x01, 1, 2}); // offset 5
    records.add(encode(transaction(cart, "nope.example.com", t0 + 6_000, 3, 500L)));
    records.add(encode(transaction(cart, "nope.example.com", t0 + 7_000, 3, 500L)));
    records.add(encode(transaction(cart, "nope.example.com", t0 + 8_000, 2, 500L)));
    records.add(encode(transaction(web, "api.example.com", t0 + 9_000, 0, 100L)));
    records.add(encode(transaction(null, "example.org", t0 + 10_000, 5, 20L)));
    records.add(encode(transaction(cart, "api.example.com", t0 + MINUTE + 1_000, 0, 1_000L)));
    // Event time moves to 2 min (watermark 5 s behind), past the first window's end plus the allowed
    // lateness (1 min + 30 s): a query from that window arriving now is too late to count anywhere.
    records.add(encode(transaction(web, "clock.example.com", t0 + 2 * MINUTE + 1_000, 0, 100L)));
    byte[] tooLate = encode(transaction(cart, "api.example.com", t0 + 2_500, 0, 1_000L));
    records.add(tooLate);
    topics.produce(dns, records, i -> 0);

    TrafficAggregationConfig config = TrafficAggregationConfig.parse("--bootstrap-servers", kafka.bootstrapServers(),
        "--flows-topic", flows, "--traffic-topic", "it.traffic." + run, "--dlq-topic", dlq, "--group-id", "it-" + run,
        "--dns-topic", dns, "--dns-activity-topic", activity,
        "--starting-offsets", "earliest", "--bounded", "--rollup", "0", "--checkpoint-interval", "1s",
        "--restart-attempts", "0");
    TrafficAggregationJob job = TrafficAggregationJob.onKafka(config);
    run(job::configure, job::attachTo, config.flinkConfiguration());

    WireCodec<DnsActivity> codec = WireCodec.of(RecordType.DNS_ACTIVITY);
    List<ConsumerRecord<byte[], byte[]>> written = topics.readCommitted(activity);
    assertThat(written).allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8))
        .isEqualTo(DnsActivityWindowsKey.of(codec.decode(r.value()).orElseThrow())));
    List<String> rows = written.stream().map(r -> describe(codec.decode(r.value()).orElseThrow(), t0)).toList();
    // Latencies 1, 2, 3, 40 ms: p50 is the 2nd (2000 us, in [1920, 2048): 1984), p90 and p99 the 4th
    // (40000 us, in [36864, 40960): 38912); 500 us is in [480, 512): 496; 100 us in [96, 104): 100; 20 us in [20, 22): 21, above the maximum, so 20.
    assertThat(rows).containsExactlyInAnyOrder(
        "shop/Deployment/cart|api.example.com @0s r0: q 5 ok 4 nx 0 sf 0 other 0 none 1 tc 1 p50 1984 p90 38912 p99 38912 max 40000",
        "shop/Deployment/cart|nope.example.com @0s r0: q 3 ok 0 nx 2 sf 1 other 0 none 0 tc 0 p50 496 p90 496 p99 496 max 500",
        "shop/Deployment/web|api.example.com @0s r0: q 1 ok 1 nx 0 sf 0 other 0 none 0 tc 0 p50 100 p90 100 p99 100 max 100",
        "-/External/UNKNOWN|example.org @0s r0: q 1 ok 0 nx 0 sf 0 other 1 none 0 tc 0 p50 20 p90 20 p99 20 max 20",
        "shop/Deployment/cart|api.example.com @60s r0: q 1 ok 1 nx 0 sf 0 other 0 none 0 tc 0 p50 992 p90 992 p99 992 max 1000",
        "shop/Deployment/web|clock.example.com @120s r0: q 1 ok 1 nx 0 sf 0 other 0 none 0 tc 0 p50 100 p90 100 p99 100 max 100");

    List<ConsumerRecord<byte[], byte[]>> letters = topics.readCommitted(dlq);
    assertThat(letters).hasSize(2);
    assertThat(letters.get(0)).satisfies(letter -> {
      assertThat(letter.value()).containsExactly((byte) 0xC3, 0x01, 1, 2);
      assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo("truncated");
      assertThat(header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(dns);
      assertThat(header(letter, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("5");
      assertThat(header(letter, DeadLetterHeaders.DETAIL)).contains("single-object header needs 10 bytes");
    });
    // The late query keeps its original bytes and says why: counted nowhere, lost nowhere.
    assertThat(letters.get(1)).satisfies(letter -> {
      assertThat(letter.value()).containsExactly(tooLate);
      assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("shop/Deployment/cart");
      assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo(DeadLetterHeaders.REASON_LATE);
      assertThat(header(letter, DeadLetterHeaders.DETAIL))
          .startsWith("DNS query at " + Instant.ofEpochMilli(t0 + 2_500) + ", its window closed");
    });
  }

  @Test
  void thePolicyAnomalyJobRaisesOneAnomalyPerDnsEpisodeAndNoneOnCleanQueries(KafkaFixture kafka) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String dns = "it.dns." + run;
    String anomalies = "it.anomalies." + run;
    String dlq = "it.dlq." + run;
    String flows = "it.flows." + run;
    String state = "it.cluster-state." + run;
    KafkaTopics topics = new KafkaTopics(kafka.bootstrapServers());
    topics.create(1, dns, anomalies, dlq, flows, state, "it.staged." + run);
    long t0 = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.HOURS).toEpochMilli();
    Random rnd = new Random(19);
    List<DnsTransaction> transactions = new ArrayList<>();
    // Forty minutes of ordinary lookups for three workloads: the search path's NXDOMAIN under
    // cluster.local, then the answer.
    for (String workload : List.of("cart", "worker", "exfil")) {
      for (long minute = 0; minute < 40; minute++) {
        for (int i = 0; i < 6; i++) {
          long t = t0 + minute * MINUTE + i * 9_000L + rnd.nextInt(1_000);
          transactions.add(transaction(pod(workload), "api.example.com.shop.svc.cluster.local", t, 3, 300L));
          transactions.add(transaction(pod(workload), "api.example.com", t + 1, 0, 900L));
        }
      }
    }
    // After the 10-minute learning period: a generated-domain burst from worker, a tunnel from exfil.
    for (int i = 0; i < 150; i++) {
      transactions.add(transaction(pod("worker"), letters(rnd, 14) + ".com", t0 + 20 * MINUTE + 5_000 + i * 100L, 3, 4_000L));
    }
    for (int i = 0; i < 80; i++) {
      transactions.add(transaction(pod("exfil"), base32(rnd, 48) + "." + base32(rnd, 10) + ".sync-vandelay.net",
          t0 + 25 * MINUTE + 5_000 + i * 500L, 0, 20_000L));
    }
    transactions.sort(java.util.Comparator.comparing(DnsTransaction::getQueryTime));
    List<byte[]> records = new ArrayList<>(transactions.stream().map(DnsPipelinesKafkaIT::encode).toList());
    records.add(100, "poison".getBytes(StandardCharsets.UTF_8));
    topics.produce(dns, records, i -> 0);

    PolicyAnomalyConfig config = PolicyAnomalyConfig.parse("--bootstrap-servers", kafka.bootstrapServers(),
        "--flows-topic", flows, "--cluster-state-topic", state, "--anomalies-topic", anomalies, "--dlq-topic", dlq,
        "--staged-verdicts-topic", "it.staged." + run, "--dns-topic", dns,
        "--group-id", "it-" + run, "--starting-offsets", "earliest", "--bounded", "--checkpoint-interval", "2s",
        "--restart-attempts", "0", "--learning-start", Instant.ofEpochMilli(t0).toString(), "--learning-period", "10m");
    PolicyAnomalyJob job = PolicyAnomalyJob.onKafka(config);
    run(job::configure, job::attachTo, config.flinkConfiguration());

    WireCodec<PolicyAnomaly> codec = WireCodec.of(RecordType.POLICY_ANOMALY);
    List<PolicyAnomaly> found = topics.readCommitted(anomalies).stream().map(r -> codec.decode(r.value()).orElseThrow()).toList();
    // Every revision of an anomaly shares its id: one id per episode, none for cart.
    assertThat(found.stream().collect(Collectors.groupingBy(a -> a.getType() + " " + a.getSource().getName(),
        Collectors.mapping(PolicyAnomaly::getId, Collectors.toSet()))))
        .hasSize(2)
        .hasEntrySatisfying(AnomalyType.NXDOMAIN_SPIKE + " worker", ids -> assertThat(ids).hasSize(1))
        .hasEntrySatisfying(AnomalyType.DNS_TUNNEL + " exfil", ids -> assertThat(ids).hasSize(1));
    PolicyAnomaly spike = found.stream().filter(a -> a.getType() == AnomalyType.NXDOMAIN_SPIKE).findFirst().orElseThrow();
    assertThat(spike.getEvidence().getCounters()).containsEntry("nxdomainAnswers", 150L);
    assertThat(spike.getFirstSeen().toEpochMilli()).isEqualTo(t0 + 20 * MINUTE + 5_000);
    PolicyAnomaly tunnel = found.stream().filter(a -> a.getType() == AnomalyType.DNS_TUNNEL).findFirst().orElseThrow();
    assertThat(tunnel.getId()).contains(">sync-vandelay.net@");

    // The poison record is the traffic job's to dead-letter (the test above): this job drops it, so
    // the two jobs reading one DNS topic give one dead letter, not two.
    assertThat(topics.readCommitted(dlq)).isEmpty();
  }

  private interface Step {
    void apply(StreamExecutionEnvironment env) throws Exception;
  }

  private static void run(Step configure, Step attach, java.util.Map<String, String> flink) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Configuration.fromMap(flink));
    env.setParallelism(1);
    configure.apply(env);
    attach.apply(env);
    env.execute("DNS pipelines IT");
  }

  /** The record key the sink must have written: core's, spelled out again here. */
  private static final class DnsActivityWindowsKey {
    static String of(DnsActivity a) {
      return (a.getClient().getNamespace() == null ? "-" : a.getClient().getNamespace()) + '/' + a.getClient().getKind()
          + '/' + a.getClient().getName() + '|' + a.getQueryName();
    }
  }

  private static String describe(DnsActivity a, long t0) {
    return DnsActivityWindowsKey.of(a) + " @" + (a.getWindowStart().toEpochMilli() - t0) / 1000 + "s r" + a.getRevision()
        + ": q " + a.getQueries() + " ok " + a.getNoError() + " nx " + a.getNxdomain() + " sf " + a.getServfail()
        + " other " + a.getOtherError() + " none " + a.getUnanswered() + " tc " + a.getTruncated()
        + " p50 " + a.getLatencyP50Micros() + " p90 " + a.getLatencyP90Micros() + " p99 " + a.getLatencyP99Micros()
        + " max " + a.getLatencyMaxMicros();
  }

  static Endpoint pod(String workload) {
    return Endpoint.newBuilder().setKind(EndpointKind.POD).setNamespace("shop").setPod(workload + "-7d9f-x1")
        .setWorkloadKind("Deployment").setWorkloadName(workload).setNode("node-a").setNetworkClass(NetworkClass.POD).build();
  }

  /** One query at {@code queryMillis}; answered with {@code rcode} after {@code latencyMicros}, or unanswered when null. */
  static DnsTransaction transaction(Endpoint client, String name, long queryMillis, Integer rcode, Long latencyMicros) {
    Instant query = Instant.ofEpochMilli(queryMillis);
    return DnsTransaction.newBuilder()
        .setQueryTime(query)
        .setResponseTime(rcode == null ? null : query.plusNanos(latencyMicros * 1000))
        .setLatencyNanos(rcode == null ? null : latencyMicros * 1000)
        .setNode("node-a").setIpVersion(4)
        .setClientAddr(ByteBuffer.wrap(new byte[] {10, 0, 0, 7})).setServerAddr(ByteBuffer.wrap(new byte[] {10, 96, 0, 10}))
        .setClientPort(40_000 + (int) (queryMillis % 20_000)).setServerPort(53).setProtocol(17)
        .setTransactionId((int) (queryMillis & 0xFFFF)).setQueryName(name).setQueryType(1)
        .setResponseCode(rcode).setAnswerCount(rcode != null && rcode == 0 ? 1 : 0)
        .setClient(client)
        .build();
  }

  static byte[] encode(DnsTransaction transaction) {
    return DNS.encode(transaction);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  static String letters(Random rnd, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append((char) ('a' + rnd.nextInt(26)));
    }
    return b.toString();
  }

  static String base32(Random rnd, int n) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(rnd.nextInt(32)));
    }
    return b.toString();
  }
}
