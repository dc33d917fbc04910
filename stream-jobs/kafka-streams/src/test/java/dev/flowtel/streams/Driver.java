package dev.flowtel.streams;

import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.schema.StagedPolicyVerdict;
import dev.flowtel.streams.metrics.AppMetrics;
import dev.flowtel.streams.app.FlowtelTopology;
import dev.flowtel.streams.app.StreamsAppConfig;
import dev.flowtel.streams.detection.ClusterStateFeed;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The whole app in a TopologyTestDriver, caching off (PLATFORM.md's trap): pipe flows and cluster
 * state, advance the wall clock past the idleness to let event time run on (what the end of a
 * bounded input does in Flink), read what reached each output topic.
 */
public final class Driver implements AutoCloseable {

  public static final String FLOWS = "flows";
  public static final String STATE = "state";
  public static final String TRAFFIC = "traffic";
  public static final String ANOMALIES = "anomalies";
  public static final String STAGED_VERDICTS = "staged-verdicts";
  public static final String DLQ = "dlq";
  public static final String DNS = "dns";
  public static final String DNS_ACTIVITY = "dns-activity";

  private final TopologyTestDriver driver;
  private final TestInputTopic<byte[], byte[]> flows;
  private final TestInputTopic<byte[], byte[]> state;
  private final TestOutputTopic<byte[], byte[]> traffic;
  private final TestOutputTopic<byte[], byte[]> anomalies;
  private final TestOutputTopic<byte[], byte[]> stagedVerdicts;
  private final TestOutputTopic<byte[], byte[]> dlq;
  private final TestInputTopic<byte[], byte[]> dns;
  private final TestOutputTopic<byte[], byte[]> dnsActivity;
  public final AppMetrics metrics = new AppMetrics();

  public Driver(String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("--flows-topic", FLOWS, "--cluster-state-topic", STATE, "--traffic-topic",
        TRAFFIC, "--anomalies-topic", ANOMALIES, "--staged-verdicts-topic", STAGED_VERDICTS, "--dlq-topic", DLQ, "--dns-topic", DNS, "--dns-activity-topic",
        DNS_ACTIVITY));
    args.addAll(List.of(options));
    StreamsAppConfig config = StreamsAppConfig.parse(args.toArray(String[]::new));
    Properties props = config.streamsProperties();
    props.put("state.dir", Files.createTempDirectory("flowtel-ttd").toString());
    driver = new TopologyTestDriver(FlowtelTopology.build(FlowtelTopology.settings(config, 1, 1, false, false), new ClusterStateFeed(),
        metrics), props, Instant.parse("2030-01-01T00:00:00Z"));
    flows = driver.createInputTopic(FLOWS, new ByteArraySerializer(), new ByteArraySerializer());
    state = driver.createInputTopic(STATE, new ByteArraySerializer(), new ByteArraySerializer());
    traffic = driver.createOutputTopic(TRAFFIC, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    anomalies = driver.createOutputTopic(ANOMALIES, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    stagedVerdicts = driver.createOutputTopic(STAGED_VERDICTS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    dlq = driver.createOutputTopic(DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    dns = driver.createInputTopic(DNS, new ByteArraySerializer(), new ByteArraySerializer());
    dnsActivity = driver.createOutputTopic(DNS_ACTIVITY, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  public TopologyTestDriver driver() {
    return driver;
  }

  public void flow(byte[] key, byte[] value) {
    flows.pipeInput(key, value);
  }

  /** One record of the DNS transactions topic, as the collector keys it. */
  public void dns(byte[] key, byte[] value) {
    dns.pipeInput(key, value);
  }

  /** The DnsActivity records written since the last read, as encoded on the wire. */
  public List<byte[]> dnsActivityBytes() {
    return dnsActivity.readValuesToList();
  }

  /** The DnsActivity records written since the last read. */
  public List<dev.flowtel.schema.DnsActivity> dnsActivity() {
    WireCodec<dev.flowtel.schema.DnsActivity> codec = WireCodec.of(RecordType.DNS_ACTIVITY);
    return dnsActivity.readValuesToList().stream().map(v -> codec.decode(v).orElseThrow()).toList();
  }

  /** The DnsActivity records written since the last read, with their keys. */
  public List<TestRecord<byte[], byte[]>> dnsActivityRecords() {
    return dnsActivity.readRecordsToList();
  }

  public void clusterState(byte[] key, byte[] value, Instant at) {
    state.pipeInput(key, value, at);
  }

  /** Lets event time run on, as the end of a bounded input does in Flink. */
  public void finish() {
    driver.advanceWallClockTime(Duration.ofDays(30));
  }

  public List<ServiceTraffic> traffic() {
    WireCodec<ServiceTraffic> codec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
    return traffic.readValuesToList().stream().map(v -> codec.decode(v).orElseThrow()).toList();
  }

  public List<PolicyAnomaly> anomalies() {
    WireCodec<PolicyAnomaly> codec = WireCodec.of(RecordType.POLICY_ANOMALY);
    return anomalies.readValuesToList().stream().map(v -> codec.decode(v).orElseThrow()).toList();
  }

  /** The staged policy verdicts written since the last read. */
  public List<StagedPolicyVerdict> stagedVerdicts() {
    WireCodec<StagedPolicyVerdict> codec = WireCodec.of(RecordType.STAGED_POLICY_VERDICT);
    return stagedVerdicts.readValuesToList().stream().map(v -> codec.decode(v).orElseThrow()).toList();
  }

  /** The staged policy verdicts written since the last read, with their record keys (UTF-8). */
  public List<Map.Entry<String, StagedPolicyVerdict>> stagedVerdictRecords() {
    WireCodec<StagedPolicyVerdict> codec = WireCodec.of(RecordType.STAGED_POLICY_VERDICT);
    return stagedVerdicts.readRecordsToList().stream()
        .map(r -> Map.entry(new String(r.key(), StandardCharsets.UTF_8), codec.decode(r.value()).orElseThrow())).toList();
  }

  public List<TestRecord<byte[], byte[]>> deadLetters() {
    return dlq.readRecordsToList();
  }

  @Override
  public void close() {
    driver.close();
  }
}
