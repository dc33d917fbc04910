package dev.flowtel.console.live;

import dev.flowtel.console.topic.TopicReaderConfig;
import dev.flowtel.schema.EdgeEndpoint;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.sink.elasticsearch.document.Ecs;
import dev.flowtel.sink.elasticsearch.document.TrafficDocuments;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tail of the traffic topic the console's live range is drawn from: a daemon thread reads
 * every partition from the horizon on (no consumer group: the console only looks, it must not take
 * partitions from anyone or commit anything), keeps each window of each edge at its highest
 * revision, and drops windows as they age past the horizon. Only committed transactions are read,
 * as the jobs write exactly-once: a window of an aborted attempt never shows.
 *
 * <p>A broker that is away only delays it: the consumer reconnects by itself, and the assignment
 * is retried until the topic's partitions are known. Partitions added to the topic after that are
 * not read until the console restarts.
 */
public final class LiveTraffic implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LiveTraffic.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);

  /** A window's identity (edge, start, size), ordered by its end so the oldest are the first to go. */
  private record WindowKey(Instant end, String edgeId, long sizeNanos) {
    static final Comparator<WindowKey> OLDEST_FIRST = Comparator.comparing(WindowKey::end)
        .thenComparing(WindowKey::edgeId).thenComparingLong(WindowKey::sizeNanos);
  }

  private final LiveTrafficSettings settings;
  private final WireCodec<ServiceTraffic> codec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread reader;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final AtomicLong undecodable = new AtomicLong();
  private final AtomicLong read = new AtomicLong();
  /** Guarded by this; written by the reader only. */
  private final TreeMap<WindowKey, LiveWindow> windows = new TreeMap<>(WindowKey.OLDEST_FIRST);
  /** One LiveEdge per edge id, shared by its windows so each window costs a few numbers. Guarded by this. */
  private final Map<String, LiveEdge> edges = new HashMap<>();
  private volatile boolean running = true;

  private LiveTraffic(LiveTrafficSettings settings) {
    this.settings = settings;
    Map<String, Object> config = TopicReaderConfig.of(settings.kafka(), "flowtel-console");
    config.put("auto.offset.reset", "latest");
    this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.reader = Thread.ofPlatform().daemon().name("flowtel-console-live").unstarted(this::run);
  }

  /** Starts reading {@code settings.topic()} in the background; {@link #close()} stops it. */
  public static LiveTraffic start(LiveTrafficSettings settings) {
    LiveTraffic live = new LiveTraffic(settings);
    live.reader.start();
    return live;
  }

  /** Every window held, at its latest revision, oldest first; a copy the caller may keep. */
  public synchronized List<LiveWindow> windows() {
    return new ArrayList<>(windows.values());
  }

  /** Records skipped as not ServiceTraffic: the sink sends them to the dead-letter topic, the console only counts them. */
  public long undecodable() {
    return undecodable.get();
  }

  /** Records read, decodable or not, since the start. */
  public long read() {
    return read.get();
  }

  public String topic() {
    return settings.topic();
  }

  @Override
  public void close() {
    running = false;
    closing.countDown();
    consumer.wakeup();
    try {
      reader.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      while (running) {
        try {
          if (consumer.assignment().isEmpty() && !assign()) {
            pause();
            continue;
          }
          List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
          consumer.poll(POLL).forEach(batch::add);
          keep(batch);
        } catch (WakeupException e) {
          // close() asked; the loop ends on running
        } catch (KafkaException e) {
          if (running) {
            LOG.warn("live traffic from {}: {}; retrying in {} s", settings.topic(), e.getMessage(), RETRY.toSeconds());
            pause();
          }
        }
      }
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** Assigns every partition of the topic at the first offset of the horizon; false while they are not known. */
  private boolean assign() {
    List<PartitionInfo> partitions = consumer.partitionsFor(settings.topic(), METADATA_TIMEOUT);
    if (partitions == null || partitions.isEmpty()) {
      LOG.info("live traffic: topic {} has no partitions yet; waiting for it", settings.topic());
      return false;
    }
    long since = settings.clock().instant().minus(settings.horizon()).toEpochMilli();
    Map<TopicPartition, Long> times = new HashMap<>();
    partitions.forEach(p -> times.put(new TopicPartition(p.topic(), p.partition()), since));
    consumer.assign(times.keySet());
    // The ends are taken before the times are looked up: a partition with nothing since the horizon
    // then starts where it ended at that moment, not where it ends by the first poll, which would
    // skip whatever the jobs wrote in between.
    try {
      Map<TopicPartition, Long> ends = consumer.endOffsets(times.keySet(), METADATA_TIMEOUT);
      Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times, METADATA_TIMEOUT);
      times.keySet().forEach(partition -> {
        OffsetAndTimestamp first = offsets.get(partition);
        consumer.seek(partition, first == null ? ends.get(partition) : first.offset());
      });
    } catch (RuntimeException e) {
      // Unassigned again, so the next attempt seeks afresh rather than reading from wherever the consumer is.
      consumer.assign(List.of());
      throw e;
    }
    LOG.info("live traffic: reading {} partition(s) of {} from {}", times.size(), settings.topic(), Instant.ofEpochMilli(since));
    return true;
  }

  private void keep(List<ConsumerRecord<byte[], byte[]>> batch) {
    Instant horizon = settings.clock().instant().minus(settings.horizon());
    synchronized (this) {
      for (ConsumerRecord<byte[], byte[]> record : batch) {
        read.incrementAndGet();
        if (record.value() == null) {
          continue;
        }
        DecodeResult<ServiceTraffic> decoded = codec.decode(record.value());
        if (decoded instanceof DecodeResult.Failed<ServiceTraffic> failed) {
          if (undecodable.getAndIncrement() == 0) {
            LOG.warn("live traffic: skipping undecodable records (the sink dead-letters them), first at {}-{}@{}: {}",
                record.topic(), record.partition(), record.offset(), failed.describe());
          }
          continue;
        }
        keep(decoded.orElseThrow(), horizon);
      }
      evict(horizon);
    }
  }

  /** Keeps the window unless it ended before the horizon or an equal or higher revision of it is held. */
  private void keep(ServiceTraffic traffic, Instant horizon) {
    if (traffic.getWindowEnd().isBefore(horizon)) {
      return;
    }
    String edgeId = TrafficDocuments.edgeId(traffic);
    long sizeNanos = Duration.between(traffic.getWindowStart(), traffic.getWindowEnd()).toNanos();
    WindowKey key = new WindowKey(traffic.getWindowEnd(), edgeId, sizeNanos);
    LiveWindow held = windows.get(key);
    if (held != null && held.revision() >= traffic.getRevision()) {
      return;
    }
    LiveEdge edge = edges.computeIfAbsent(edgeId, id -> edge(id, traffic));
    windows.put(key, new LiveWindow(edge, traffic.getWindowStart(), sizeNanos, traffic.getRevision(),
        traffic.getBytesToDestination() + traffic.getBytesToSource(), traffic.getFlows(), traffic.getDrops()));
  }

  private void evict(Instant horizon) {
    int before = windows.size();
    windows.headMap(new WindowKey(horizon, "", Long.MIN_VALUE), false).clear();
    while (windows.size() > settings.maxWindows()) {
      windows.pollFirstEntry();
    }
    if (windows.size() < before) {
      edges.clear();
      windows.values().forEach(w -> edges.put(w.edge().id(), w.edge()));
    }
  }

  private void pause() {
    try {
      closing.await(RETRY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private static LiveEdge edge(String id, ServiceTraffic traffic) {
    LiveEnd source = end(traffic.getSource());
    LiveEnd destination = end(traffic.getDestination());
    String port = traffic.getPortsFolded() ? "*" : Integer.toString(traffic.getDestinationPort());
    return new LiveEdge(id, TrafficDocuments.edgeName(traffic.getSource(), traffic.getDestination(), traffic.getProtocol(), port),
        source, destination, traffic.getPortsFolded() ? null : traffic.getDestinationPort(), Ecs.transport(traffic.getProtocol()));
  }

  /** As the sink's documents spell {@code flowtel.<side>.id}. */
  private static LiveEnd end(EdgeEndpoint endpoint) {
    return new LiveEnd(Ecs.endpointId(endpoint), endpoint.getNamespace(), endpoint.getKind(), endpoint.getName());
  }

}
