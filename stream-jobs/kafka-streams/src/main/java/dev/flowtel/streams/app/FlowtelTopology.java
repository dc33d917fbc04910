package dev.flowtel.streams.app;

import dev.flowtel.core.anomaly.Grouping;
import dev.flowtel.streams.detection.ClusterStateFeed;
import dev.flowtel.streams.detection.ClusterStateProcessor;
import dev.flowtel.streams.detection.DetectionSettings;
import dev.flowtel.streams.detection.DnsDetectionProcessor;
import dev.flowtel.streams.dns.DnsActivityProcessor;
import dev.flowtel.streams.dns.DnsRouter;
import dev.flowtel.streams.dns.DnsSettings;
import dev.flowtel.streams.detection.EdgeDetectionProcessor;
import dev.flowtel.streams.detection.GroupingRouter;
import dev.flowtel.streams.detection.KeyedDetectionProcessor;
import dev.flowtel.streams.detection.Repartitions;
import dev.flowtel.streams.input.FlowDecodeProcessor;
import dev.flowtel.streams.input.Outbound;
import dev.flowtel.streams.input.Routed;
import dev.flowtel.streams.input.ToRepartition;
import dev.flowtel.streams.time.MarkerPartitioner;
import dev.flowtel.streams.traffic.FailedAttemptWindowProcessor;
import dev.flowtel.streams.metrics.AppMetrics;
import dev.flowtel.streams.store.BeforeCommit;
import dev.flowtel.streams.traffic.TrafficSettings;
import dev.flowtel.streams.traffic.TrafficWindowProcessor;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The whole application as one topology: the flows topic is read and decoded once; the traffic
 * windows and the edge detectors run on it where it is (it is keyed by service edge); the windows of
 * failed connection attempts (one folded edge per client and destination, whatever the ports) and
 * the probe and egress detectors run after a repartition by folded edge, client address and client
 * workload; the cluster state is a global store. Every output (traffic, anomalies, dead letters)
 * leaves through one sink that writes each record to its topic, in the application's exactly-once
 * transactions. The edge detectors also count what the staged policies would do, per traffic window.
 */
public final class FlowtelTopology {

  /**
   * Settings of the topology. {@code caching} is off in TopologyTestDriver tests (see PLATFORM.md);
   * {@code persistent} false puts the stores in memory (still changelogged): the test driver commits,
   * and so flushes RocksDB and writes a checkpoint, after every record.
   */
  public record Settings(boolean traffic, boolean detection, TrafficSettings trafficSettings,
      DetectionSettings detectionSettings, DnsSettings dnsSettings, String flowsTopic, String clusterStateTopic,
      boolean caching, boolean persistent) {}

  private FlowtelTopology() {}

  /** @param dnsPartitions partitions of the DNS topic; 0 when it does not exist, and the app then reads no DNS */
  public static Settings settings(StreamsAppConfig config, int flowPartitions, int dnsPartitions, boolean caching,
      boolean persistent) {
    return new Settings(config.traffic(), config.detection(),
        new TrafficSettings(config.window(), config.rollup(), config.maxOutOfOrderness(), config.idleness(),
            config.allowedLateness(), config.queryRetention(), config.trafficTopic(), config.deadLetterTopic(),
            flowPartitions),
        new DetectionSettings(config.detectionConfig(), config.learningStartMillis(), config.maxOutOfOrderness(),
            config.idleness(), config.window(), config.allowedLateness(), config.anomaliesTopic(), config.stagedVerdictsTopic(),
            config.deadLetterTopic(), flowPartitions, config.dnsDetectionConfig()),
        new DnsSettings(config.dnsActivity().dnsTopic(), dnsPartitions, config.maxOutOfOrderness(), config.idleness(),
            config.allowedLateness(), dnsPartitions > 0 && config.dnsDetection(), dnsPartitions > 0 && config.dnsActivity().enabled(),
            config.dnsActivity().activityTopic(), config.dnsActivity().window(), config.dnsActivity().namesPerWindow(),
            config.deadLetterTopic()),
        config.flowsTopic(), config.clusterStateTopic(), caching, persistent);
  }

  public static Topology build(Settings settings, ClusterStateFeed feed, AppMetrics metrics) {
    StreamsBuilder builder = new StreamsBuilder();
    KStream<byte[], byte[]> raw = builder.stream(settings.flowsTopic(),
        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("flows"));
    String dlq = settings.trafficSettings().dlqTopic();
    KStream<byte[], Routed> decoded = raw.process(() -> new FlowDecodeProcessor(dlq, metrics, settings.detection()),
        Named.as("decode"));
    List<KStream<byte[], Routed>> outputs = new ArrayList<>();
    outputs.add(decoded);
    KStream<byte[], Routed> trafficWindows = null;

    if (settings.traffic()) {
      TrafficSettings traffic = settings.trafficSettings();
      long[] sizes = traffic.sizes();
      List<String> stores = new ArrayList<>();
      for (long size : sizes) {
        stores.add(uncachedStore(builder, TrafficWindowProcessor.openStore(size), settings));
        stores.add(store(builder, TrafficWindowProcessor.firedStore(size), settings));
      }
      stores.add(store(builder, TrafficWindowProcessor.LATEST_STORE, settings));
      stores.add(beforeCommit(builder, TrafficWindowProcessor.beforeCommitStore()));
      trafficWindows = decoded.process(() -> new TrafficWindowProcessor(sizes, traffic, metrics), Named.as("traffic-windows"),
          stores.toArray(String[]::new));
      outputs.add(trafficWindows);
    }

    if (settings.detection()) {
      DetectionSettings detection = settings.detectionSettings();
      builder.addGlobalStore(
          Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ClusterStateProcessor.STORE), Serdes.String(),
              Serdes.ByteArray()).withLoggingDisabled(),
          settings.clusterStateTopic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("cluster-state"),
          () -> new ClusterStateProcessor(feed, metrics));
      outputs.add(decoded.process(() -> new EdgeDetectionProcessor(detection, feed, metrics), Named.as("edge-detectors"),
          stringStore(builder, EdgeDetectionProcessor.STATES, settings),
          store(builder, EdgeDetectionProcessor.TIMERS, settings),
          stringStore(builder, EdgeDetectionProcessor.META, settings),
          stringStore(builder, EdgeDetectionProcessor.OPEN, settings),
          stringStore(builder, EdgeDetectionProcessor.STAGED_STATES, settings),
          store(builder, EdgeDetectionProcessor.STAGED_TIMERS, settings)));
      for (Grouping grouping : List.of(Grouping.CLIENT_ADDRESS, Grouping.CLIENT_WORKLOAD)) {
        String name = Repartitions.name(grouping);
        KStream<String, byte[]> routed = decoded.process(() -> new GroupingRouter(grouping, detection), Named.as("route-" + name));
        outputs.add(routed
            .repartition(Repartitioned.<String, byte[]>as(name).withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray())
                .withStreamPartitioner(Repartitions.partitioner()))
            .process(() -> new KeyedDetectionProcessor(grouping, detection, metrics), Named.as(name + "-detectors"),
                stringStore(builder, KeyedDetectionProcessor.storeName(grouping, "states"), settings),
                store(builder, KeyedDetectionProcessor.storeName(grouping, "timers"), settings),
                stringStore(builder, KeyedDetectionProcessor.storeName(grouping, "meta"), settings),
                stringStore(builder, KeyedDetectionProcessor.openStore(grouping), settings)));
      }
    }

    if (trafficWindows != null) {
      // Built after the detectors' repartitions so that their sub-topologies keep their numbers.
      outputs.add(failedAttemptWindows(builder, trafficWindows, settings, metrics));
    }
    if (settings.dnsSettings().any()) {
      // Last: a source topic of its own, so its sub-topologies come after the flows' and theirs keep their numbers.
      outputs.addAll(dns(builder, settings, metrics));
    }

    KStream<byte[], Routed> all = outputs.get(0);
    for (int i = 1; i < outputs.size(); i++) {
      all = all.merge(outputs.get(i), Named.as("outputs-" + i));
    }
    all.filter((key, value) -> value instanceof Outbound, Named.as("outbound"))
        .mapValues(value -> (Outbound) value, Named.as("as-outbound"))
        .to((key, value, context) -> value.topic(), Produced.with(Serdes.ByteArray(), outboundSerde()).withName("outputs"));
    return builder.build();
  }

  /**
   * The windows of failed attempts' folded edges, whose flows come from every flows partition: they
   * go through a repartition by edge, with each partition's event time as watermark markers.
   */
  private static KStream<byte[], Routed> failedAttemptWindows(StreamsBuilder builder, KStream<byte[], Routed> trafficWindows,
      Settings settings, AppMetrics metrics) {
    TrafficSettings traffic = settings.trafficSettings();
    long[] sizes = traffic.sizes();
    List<String> stores = new ArrayList<>();
    for (long size : sizes) {
      stores.add(uncachedStore(builder, FailedAttemptWindowProcessor.openStore(size), settings));
      stores.add(store(builder, FailedAttemptWindowProcessor.firedStore(size), settings));
    }
    stores.add(beforeCommit(builder, FailedAttemptWindowProcessor.beforeCommitStore()));
    String name = FailedAttemptWindowProcessor.REPARTITION;
    return trafficWindows
        .<String, byte[]>flatMap((key, value) -> value instanceof ToRepartition r
            ? List.of(KeyValue.pair(r.key(), r.value())) : List.<KeyValue<String, byte[]>>of(), Named.as(name + "-route"))
        .repartition(Repartitioned.<String, byte[]>as(name).withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray())
            .withStreamPartitioner(new MarkerPartitioner()))
        .process(() -> new FailedAttemptWindowProcessor(sizes, traffic, metrics), Named.as(name + "-windows"),
            stores.toArray(String[]::new));
  }

  /**
   * The DNS transactions: decoded (undecodable ones dead-lettered), repartitioned by client with their
   * partitions' event time as watermark markers, then the DNS detectors and the DNS activity windows.
   */
  private static List<KStream<byte[], Routed>> dns(StreamsBuilder builder, Settings settings, AppMetrics metrics) {
    DnsSettings dns = settings.dnsSettings();
    KStream<byte[], Routed> routed = builder.stream(dns.topic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
        .withName("dns")).process(() -> new DnsRouter(dns, metrics), Named.as("dns-decode"));
    List<KStream<byte[], Routed>> outputs = new ArrayList<>();
    outputs.add(routed);
    String name = "dns-by-client";
    KStream<String, byte[]> byClient = routed
        .<String, byte[]>flatMap((key, value) -> value instanceof ToRepartition r
            ? List.of(KeyValue.pair(r.key(), r.value())) : List.<KeyValue<String, byte[]>>of(), Named.as(name + "-route"))
        .repartition(Repartitioned.<String, byte[]>as(name).withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray())
            .withStreamPartitioner(new MarkerPartitioner()));
    if (dns.detection()) {
      outputs.add(byClient.process(() -> new DnsDetectionProcessor(settings.detectionSettings(), metrics), Named.as("dns-detectors"),
          stringStore(builder, DnsDetectionProcessor.STATES, settings),
          store(builder, DnsDetectionProcessor.TIMERS, settings),
          stringStore(builder, DnsDetectionProcessor.META, settings),
          stringStore(builder, DnsDetectionProcessor.OPEN, settings)));
    }
    if (dns.activity()) {
      outputs.add(byClient.process(() -> new DnsActivityProcessor(dns, metrics), Named.as("dns-activity-windows"),
          store(builder, DnsActivityProcessor.OPEN, settings), store(builder, DnsActivityProcessor.FIRED, settings)));
    }
    return outputs;
  }

  /** Every store is RocksDB with a changelog (the default), so a task restores on any instance. */
  private static String store(StreamsBuilder builder, String name, Settings settings) {
    StoreBuilder<KeyValueStore<Bytes, byte[]>> store = Stores.keyValueStoreBuilder(supplier(name, settings), Serdes.Bytes(),
        Serdes.ByteArray());
    builder.addStateStore(settings.caching() ? store.withCachingEnabled() : store.withCachingDisabled());
    return name;
  }

  /**
   * The open traffic windows' stores: the processor pre-combines them on the heap and writes them
   * before each commit, so a record cache would only delay those writes past the commit.
   */
  private static String uncachedStore(StreamsBuilder builder, String name, Settings settings) {
    builder.addStateStore(Stores.keyValueStoreBuilder(supplier(name, settings), Serdes.Bytes(), Serdes.ByteArray())
        .withCachingDisabled());
    return name;
  }

  private static String beforeCommit(StreamsBuilder builder, String name) {
    builder.addStateStore(BeforeCommit.builder(name));
    return name;
  }

  private static String stringStore(StreamsBuilder builder, String name, Settings settings) {
    StoreBuilder<KeyValueStore<String, byte[]>> store = Stores.keyValueStoreBuilder(supplier(name, settings),
        Serdes.String(), Serdes.ByteArray());
    builder.addStateStore(settings.caching() ? store.withCachingEnabled() : store.withCachingDisabled());
    return name;
  }

  private static KeyValueBytesStoreSupplier supplier(String name, Settings settings) {
    return settings.persistent() ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
  }

  private static Serde<Outbound> outboundSerde() {
    Serializer<Outbound> serializer = (topic, outbound) -> outbound == null ? null : outbound.value();
    return Serdes.serdeFrom(serializer, (topic, bytes) -> {
      throw new UnsupportedOperationException("outputs are written, never read back");
    });
  }
}
