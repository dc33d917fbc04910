package dev.flowtel.cli;

import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.FlowtelTopics;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The live terminal view of a local run: a status line every two seconds (flows/s, windows and
 * edges out, anomalies, documents in Elasticsearch), the top edges and the latency p50/p99 line
 * every ten, and each new anomaly
 * as it is committed. Reads the output topics like any subscriber would (read_committed).
 */
final class LiveView implements AutoCloseable {

  private final String bootstrap;
  private final LongSupplier flowsSent;
  private final LongSupplier documents;
  private final java.util.function.Supplier<String> jobState;
  private final java.util.function.Supplier<String> latency;
  private final Thread thread;
  private volatile boolean running = true;
  private long windows;
  private final Set<String> edges = new HashSet<>();
  private final Map<String, Long> latestWindowBytes = new HashMap<>();
  private long latestWindowStart;
  private final Set<String> anomalyIds = new HashSet<>();
  private final Map<String, Long> anomaliesByType = new TreeMap<>();

  LiveView(String bootstrap, LongSupplier flowsSent, LongSupplier documents, java.util.function.Supplier<String> jobState,
      java.util.function.Supplier<String> latency) {
    this.bootstrap = bootstrap;
    this.latency = latency;
    this.flowsSent = flowsSent;
    this.documents = documents;
    this.jobState = jobState;
    this.thread = new Thread(this::loop, "flowtel-live-view");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void loop() {
    WireCodec<ServiceTraffic> traffic = WireCodec.of(RecordType.SERVICE_TRAFFIC);
    WireCodec<PolicyAnomaly> anomalies = WireCodec.of(RecordType.POLICY_ANOMALY);
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
        "group.id", "flowtel-live-view-" + UUID.randomUUID(), "auto.offset.reset", "latest",
        "isolation.level", "read_committed", "enable.auto.commit", false),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(FlowtelTopics.SERVICE_TRAFFIC, FlowtelTopics.ANOMALIES));
      long lastStatus = System.nanoTime();
      long lastTop = System.nanoTime();
      long lastFlows = flowsSent.getAsLong();
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
          if (r.topic().equals(FlowtelTopics.SERVICE_TRAFFIC)) {
            if (traffic.decode(r.value()) instanceof DecodeResult.Decoded<ServiceTraffic> d) {
              onTraffic(d.record());
            }
          } else if (anomalies.decode(r.value()) instanceof DecodeResult.Decoded<PolicyAnomaly> d) {
            onAnomaly(d.record());
          }
        }
        long now = System.nanoTime();
        if (now - lastStatus >= 2_000_000_000L) {
          long flows = flowsSent.getAsLong();
          String state = jobState.get();
          System.out.printf("flows %,d (%,.0f/s) | windows out %,d on %,d edges | anomalies %,d | documents in Elasticsearch %,d%s%n",
              flows, (flows - lastFlows) / ((now - lastStatus) / 1e9), windows, edges.size(), anomalyIds.size(),
              documents.getAsLong(), state.equals("RUNNING") ? "" : " | jobs " + state);
          lastFlows = flows;
          lastStatus = now;
        }
        if (now - lastTop >= 10_000_000_000L && !latestWindowBytes.isEmpty()) {
          System.out.println("top edges by bytes, latest window:");
          latestWindowBytes.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
              .limit(5).forEach(e -> System.out.printf("  %,14d B  %s%n", e.getValue(), e.getKey()));
          System.out.println(latency.get());
          lastTop = now;
        }
      }
    }
  }

  private void onTraffic(ServiceTraffic t) {
    windows++;
    String edge = TrafficText.edge(t);
    edges.add(edge);
    long start = t.getWindowStart().toEpochMilli();
    boolean baseWindow = t.getWindowEnd().toEpochMilli() - start <= 10_000;
    if (baseWindow && start > latestWindowStart) {
      latestWindowStart = start;
      latestWindowBytes.clear();
    }
    if (baseWindow && start == latestWindowStart) {
      latestWindowBytes.put(edge, t.getBytesToDestination() + t.getBytesToSource());
    }
  }

  private void onAnomaly(PolicyAnomaly anomaly) {
    if (anomalyIds.add(anomaly.getId())) {
      anomaliesByType.merge(anomaly.getType().name(), 1L, Long::sum);
      System.out.printf("ANOMALY %s %s: %s%n", anomaly.getSeverity(), anomaly.getType(), anomaly.getSummary());
    }
  }

  long windows() {
    return windows;
  }

  int edges() {
    return edges.size();
  }

  Map<String, Long> anomaliesByType() {
    return Map.copyOf(anomaliesByType);
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How edges read in the terminal. */
  static final class TrafficText {
    private TrafficText() {}

    static String edge(ServiceTraffic t) {
      return end(t.getSource()) + " -> " + end(t.getDestination()) + ":"
          + dev.flowtel.core.edge.ServiceEdge.portKey(t.getDestinationPort(), t.getPortsFolded()) + "/"
          + dev.flowtel.core.edge.Protocols.transportName(t.getProtocol());
    }

    private static String end(dev.flowtel.schema.EdgeEndpoint e) {
      return (e.getNamespace() == null ? "" : e.getNamespace() + "/") + e.getName();
    }
  }
}
