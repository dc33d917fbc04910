package dev.flowtel.collector.publish;

import dev.flowtel.collector.metrics.CollectorMetrics;
import dev.flowtel.collector.spool.DiskSpool;
import dev.flowtel.collector.spool.SpoolRecord;
import dev.flowtel.core.source.FlowSink;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes flows (and the simulator's cluster state) to Kafka without losing them while the
 * broker is away or slow.
 *
 * <p>Sources call {@link #flow} on their own threads; the record is encoded there (WireCodec,
 * single-object encoding) and put on a bounded queue, waiting at most the hand-off timeout. One
 * publisher thread takes records off the queue in order and either sends them (idempotent
 * producer, acks=all, keyed by the partition key so one edge stays in one partition) or, while
 * the producer is not keeping up, appends them to the on-disk spool:
 *
 * <ul>
 *   <li><b>direct</b>: records go to the producer. When send() fails (no metadata, buffer full),
 *       a delivery fails, {@code maxInFlightRecords} are unacknowledged, or the oldest is older
 *       than {@code spillAfter}, the publisher switches to spilling.
 *   <li><b>spilling</b>: every new record goes to the spool, behind what is already there, so a
 *       key's records never overtake each other. Records that were in the producer and failed are
 *       put in FRONT of the spool once every earlier send has completed (they are older than
 *       anything spooled). When nothing is in flight, the spool is replayed in rounds; the spool
 *       cursor moves past the acknowledged prefix of each round. When the spool is empty, the
 *       publisher goes direct again.
 * </ul>
 *
 * <p>Delivery is at least once: a record whose acknowledgement was lost with the broker and which
 * was then replayed from the spool can arrive twice. Nothing is dropped except when the spool is
 * full (oldest segment, counted), when the queue stays full past the hand-off timeout, or when
 * the broker refuses a record for good; each is counted in {@link CollectorMetrics}.
 */
public final class FlowPublisher implements FlowSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FlowPublisher.class);
  private static final int DRAIN_MAX = 8192;
  private static final long REPLAY_MAX_BYTES = 8L << 20;
  private static final SpoolRecord STOP = new SpoolRecord("", null, null);

  private final PublisherSettings settings;
  private final Producer<byte[], byte[]> producer;
  private final DiskSpool spool;
  private final CollectorMetrics metrics;
  private final WireCodec<FlowEvent> flowCodec = WireCodec.of(RecordType.FLOW_EVENT);
  private final WireCodec<ClusterState> stateCodec = WireCodec.of(RecordType.CLUSTER_STATE);
  private final WireCodec<DnsTransaction> dnsCodec = WireCodec.of(RecordType.DNS_TRANSACTION);
  private final BlockingQueue<SpoolRecord> queue;
  private final Thread thread;
  private final AtomicLong lastHandoffWarning = new AtomicLong();
  private volatile boolean closing;
  private volatile Throwable failure;

  // Owned by the publisher thread; spilling is volatile because spilling() reports it to other threads.
  private volatile boolean spilling;
  private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
  private final List<SpoolRecord> failedDirect = new ArrayList<>();
  private final List<SpoolRecord> toSpool = new ArrayList<>();
  private List<Pending> replayRound;
  private long nextReplayNanos;
  private Duration currentBackoff;
  private long lastRejectWarning;
  private long replayFailures;

  /** A record handed to the producer; the producer's I/O thread completes it. */
  private static final class Pending {
    final SpoolRecord record;
    final long sentNanos = System.nanoTime();
    volatile boolean done;
    volatile Exception error;

    Pending(SpoolRecord record) {
      this.record = record;
    }
  }

  public FlowPublisher(PublisherSettings settings, Map<String, Object> producerConfig, DiskSpool spool, CollectorMetrics metrics) {
    this(settings, new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer()), spool, metrics);
  }

  /** With a producer of the caller's (tests use Kafka's MockProducer). */
  public FlowPublisher(PublisherSettings settings, Producer<byte[], byte[]> producer, DiskSpool spool, CollectorMetrics metrics) {
    this.settings = settings;
    this.producer = producer;
    this.spool = spool;
    this.metrics = metrics;
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
    this.currentBackoff = settings.replayBackoff();
    this.spilling = !spool.isEmpty();
    metrics.observe(spool);
    this.thread = new Thread(this::run, "flowtel-publisher");
  }

  /** Starts the publisher thread; records handed over before are queued. */
  public FlowPublisher start() {
    thread.start();
    return this;
  }

  @Override
  public void flow(FlowEvent flow, String partitionKey) {
    hand(new SpoolRecord(settings.flowsTopic(), partitionKey.getBytes(StandardCharsets.UTF_8), flowCodec.encode(flow)));
  }

  @Override
  public void clusterState(String key, ClusterState stateOrNull) {
    hand(new SpoolRecord(settings.clusterStateTopic(), key.getBytes(StandardCharsets.UTF_8),
        stateOrNull == null ? null : stateCodec.encode(stateOrNull)));
  }

  /**
   * Publishes one DNS transaction to the DNS topic, through the same queue and spool as flows (a dead broker loses
   * none), keyed by {@link #dnsKey}. Called on the capture's DNS thread.
   */
  public void dnsTransaction(DnsTransaction transaction) {
    hand(new SpoolRecord(settings.dnsTopic(), dnsKey(transaction).getBytes(StandardCharsets.UTF_8), dnsCodec.encode(transaction)));
  }

  /**
   * The DNS topic's key: the client's {@code namespace/workload} (its pod's name for a bare pod), so one workload's
   * queries stay in one partition in order; the client's address when enrichment knew no pod.
   */
  public static String dnsKey(DnsTransaction transaction) {
    Endpoint client = transaction.getClient();
    if (client != null && client.getNamespace() != null) {
      String workload = client.getWorkloadName() != null ? client.getWorkloadName() : client.getPod();
      if (workload != null) {
        return client.getNamespace() + "/" + workload;
      }
    }
    return IpAddress.ofBytes(transaction.getClientAddr()).unmapped().toString();
  }

  /** Hands one already encoded record over (the benchmark's and tests' entry). */
  public void hand(SpoolRecord record) {
    if (closing) {
      throw new IllegalStateException("the publisher is closed; no more records are taken");
    }
    if (failure != null) {
      // The publisher thread is gone (logged when it died); do not make the source wait for it.
      metrics.lost(CollectorMetrics.LOST_PUBLISHER_FAILED, 1);
      return;
    }
    boolean taken;
    try {
      taken = queue.offer(record, settings.handoffTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      taken = false;
    }
    if (!taken) {
      metrics.lost(CollectorMetrics.LOST_HANDOFF, 1);
      long now = System.nanoTime();
      long last = lastHandoffWarning.get();
      if (now - last > TimeUnit.SECONDS.toNanos(10) && lastHandoffWarning.compareAndSet(last, now)) {
        LOG.warn("publisher queue ({} records) stayed full for {}: dropping records (counted in flowtel_collector_records_lost_total{reason=\"{}\"}); "
            + "the spool disk may be too slow, or raise --publisher-queue", settings.queueCapacity(), settings.handoffTimeout(), CollectorMetrics.LOST_HANDOFF);
      }
    }
  }

  /** Records handed over and not yet taken by the publisher thread. */
  public int queued() {
    return queue.size();
  }

  /** True while new records go to the spool (the broker is away or slow, or the spool is being replayed). */
  public boolean spilling() {
    return spilling;
  }

  /**
   * Stops taking records, sends or spools what is queued and, up to the shutdown timeout, waits
   * for the broker to acknowledge what is in flight and sends what the spool holds while the
   * broker takes it. What is still unacknowledged then is spooled, and the producer and the spool
   * are closed. Records left in the spool are sent by the next run.
   */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    if (thread.isAlive()) {
      long patience = settings.shutdownTimeout().toMillis() + 30_000;
      try {
        if (!queue.offer(STOP, patience, TimeUnit.MILLISECONDS)) {
          LOG.error("publisher thread took nothing from its queue for {} ms; the {} records still queued are lost", patience, queue.size());
          thread.interrupt();
        }
        thread.join(patience);
        if (thread.isAlive()) {
          LOG.error("publisher thread did not stop within {} ms; records it holds may be lost", patience);
          thread.interrupt();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      shutdown();
    }
    if (failure != null) {
      throw new IllegalStateException("publisher thread failed: " + failure.getMessage(), failure);
    }
  }

  // ---- publisher thread

  private void run() {
    List<SpoolRecord> batch = new ArrayList<>(DRAIN_MAX);
    try {
      boolean stop = false;
      while (!stop) {
        batch.clear();
        SpoolRecord first = queue.poll(5, TimeUnit.MILLISECONDS);
        if (first != null) {
          batch.add(first);
          queue.drainTo(batch, DRAIN_MAX - 1);
        }
        for (SpoolRecord record : batch) {
          if (record == STOP) {
            stop = true;
            break;
          }
          route(record);
        }
        step();
      }
    } catch (Throwable t) {
      failure = t;
      LOG.error("publisher thread failed; records still queued are moved to the spool: {}", t.toString(), t);
    } finally {
      shutdown();
    }
  }

  private void route(SpoolRecord record) {
    if (!spilling) {
      Pending oldest = inFlight.peekFirst();
      if (inFlight.size() >= settings.maxInFlightRecords()) {
        startSpilling(inFlight.size() + " records unacknowledged");
      } else if (oldest != null && System.nanoTime() - oldest.sentNanos > settings.spillAfter().toNanos()) {
        startSpilling("oldest record unacknowledged for " + Duration.ofNanos(System.nanoTime() - oldest.sentNanos).toMillis() + " ms");
      } else {
        Pending pending = send(record);
        if (pending != null) {
          inFlight.addLast(pending);
          if (failedAlready(pending)) {
            // The producer failed it inside send() (e.g. no metadata after max.block.ms): do not
            // pay that wait again for every record behind it.
            startSpilling("send failed: " + pending.error);
          }
          return;
        }
      }
    }
    toSpool.add(record);
  }

  /** The producer's send, or null (and spilling) when the producer would not take the record. */
  private Pending send(SpoolRecord record) {
    Pending pending = new Pending(record);
    try {
      producer.send(new ProducerRecord<>(record.topic(), record.key(), record.value()), (metadata, error) -> {
        pending.error = error;
        pending.done = true;
        if (error == null) {
          metrics.publishLatency(System.nanoTime() - pending.sentNanos);
        }
      });
      return pending;
    } catch (KafkaException e) {
      if (permanent(e)) {
        reject(record, e);
        pending.done = true;
        return pending;
      }
      startSpilling("send failed: " + e);
      return null;
    }
  }

  private static boolean failedAlready(Pending p) {
    return p.done && p.error != null && !permanent(p.error);
  }

  private void startSpilling(String why) {
    if (!spilling) {
      spilling = true;
      LOG.warn("broker away or slow ({}): spooling new records to {} until it catches up", why, spool.settings().directory());
    }
  }

  /** Completions, spool writes and replay; called every loop of the publisher thread. */
  private void step() {
    reapDirect();
    flushToSpool();
    if (replayRound != null) {
      reapReplay();
    }
    if (spilling && replayRound == null && inFlight.isEmpty() && failedDirect.isEmpty() && System.nanoTime() >= nextReplayNanos) {
      startReplayRound();
    }
    spool.maybeSync();
  }

  private void reapDirect() {
    while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
      Pending p = inFlight.pollFirst();
      if (p.error == null) {
        metrics.published(1);
      } else if (permanent(p.error)) {
        reject(p.record, p.error);
      } else {
        failedDirect.add(p.record);
        startSpilling("delivery failed: " + p.error);
      }
    }
    if (inFlight.isEmpty() && !failedDirect.isEmpty()) {
      // Every earlier send has completed: the failed records are older than anything spooled.
      flushToSpool();
      try {
        spool.prepend(failedDirect);
        metrics.spooled(failedDirect.size());
      } catch (UncheckedIOException e) {
        spoolWriteFailed(failedDirect.size(), e);
      }
      failedDirect.clear();
    }
  }

  private void flushToSpool() {
    if (toSpool.isEmpty()) {
      return;
    }
    try {
      spool.appendAll(toSpool);
      metrics.spooled(toSpool.size());
    } catch (UncheckedIOException e) {
      spoolWriteFailed(toSpool.size(), e);
    }
    toSpool.clear();
  }

  private void spoolWriteFailed(int records, UncheckedIOException e) {
    metrics.lost(CollectorMetrics.LOST_SPOOL_WRITE, records);
    LOG.error("{} records lost: {}", records, e.getMessage());
  }

  private void startReplayRound() {
    if (spool.isEmpty()) {
      spilling = false;
      LOG.info("spool is empty: publishing directly again");
      return;
    }
    List<SpoolRecord> records = spool.peek(settings.replayBatchRecords(), REPLAY_MAX_BYTES);
    List<Pending> round = new ArrayList<>(records.size());
    for (SpoolRecord record : records) {
      Pending p = send(record);
      if (p == null) {
        break; // the producer will not take more now; the rest stays in the spool
      }
      round.add(p);
      if (failedAlready(p)) {
        break; // failed inside send(): the broker is still away
      }
    }
    replayRound = round;
    if (round.isEmpty()) {
      replayRound = null;
      backOff("the producer would not take records");
    }
  }

  private void reapReplay() {
    for (Pending p : replayRound) {
      if (!p.done) {
        return;
      }
    }
    int acknowledged = 0;
    Exception firstError = null;
    for (Pending p : replayRound) {
      if (p.error == null || permanent(p.error)) {
        acknowledged++;
      } else {
        firstError = p.error;
        break;
      }
    }
    int replayed = 0;
    for (int i = 0; i < acknowledged; i++) {
      Pending p = replayRound.get(i);
      if (p.error == null) {
        replayed++;
      } else {
        reject(p.record, p.error); // refused for good: leaves the spool, counted as lost
      }
    }
    int sent = replayRound.size();
    replayRound = null;
    spool.advance(acknowledged);
    metrics.replayed(replayed);
    metrics.published(replayed);
    if (acknowledged < sent || firstError != null) {
      backOff(firstError == null ? "send failed" : firstError.toString());
    } else {
      currentBackoff = settings.replayBackoff();
      nextReplayNanos = 0;
      if (spool.isEmpty()) {
        startReplayRound(); // nothing left: go direct now, not a loop later
      }
    }
  }

  private void backOff(String why) {
    replayFailures++;
    LOG.debug("spool replay paused for {}: {}", currentBackoff, why);
    nextReplayNanos = System.nanoTime() + currentBackoff.toNanos();
    Duration doubled = currentBackoff.multipliedBy(2);
    Duration cap = Duration.ofSeconds(10);
    currentBackoff = doubled.compareTo(cap) > 0 ? cap : doubled;
    if (currentBackoff.isZero()) {
      currentBackoff = Duration.ofMillis(100);
    }
  }

  private static boolean permanent(Throwable e) {
    return e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException
        || e instanceof InvalidTopicException || e instanceof SerializationException;
  }

  private void reject(SpoolRecord record, Throwable e) {
    metrics.lost(CollectorMetrics.LOST_REJECTED, 1);
    long now = System.nanoTime();
    if (now - lastRejectWarning > TimeUnit.SECONDS.toNanos(10)) {
      lastRejectWarning = now;
      LOG.error("the broker refused a record for good and it is dropped ({} bytes for {}): {}", record.payloadBytes(), record.topic(), e.toString());
    }
  }

  private void shutdown() {
    try {
      List<SpoolRecord> rest = new ArrayList<>();
      queue.drainTo(rest);
      rest.removeIf(r -> r == STOP);
      for (SpoolRecord record : rest) {
        route(record);
      }
      flushToSpool();
      long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
      long failuresBefore = replayFailures;
      while (System.nanoTime() < deadline) {
        step();
        boolean settled = inFlight.isEmpty() && replayRound == null && failedDirect.isEmpty();
        // A broker that takes records gets the spool now: a record left on a node's disk waits for
        // the next start there, which may never come. One refused round or a back-off past the
        // deadline leaves the rest for the next run rather than hold the shutdown.
        if (settled && (spool.isEmpty() || replayFailures > failuresBefore || nextReplayNanos > deadline)) {
          break;
        }
        Thread.sleep(5);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("publisher shutdown: {}", e.toString(), e);
    } finally {
      closeAndSpoolTheRest();
    }
  }

  /** Closes the producer at once; whatever it had not delivered goes to the spool for the next run. */
  private void closeAndSpoolTheRest() {
    try {
      producer.close(Duration.ZERO);
    } catch (RuntimeException e) {
      LOG.warn("closing the Kafka producer: {}", e.toString());
    }
    int unacknowledged = 0;
    for (Pending p : inFlight) {
      if (p.done && p.error == null) {
        metrics.published(1);
      } else if (p.done && permanent(p.error)) {
        reject(p.record, p.error);
      } else {
        failedDirect.add(p.record);
        unacknowledged++;
      }
    }
    inFlight.clear();
    if (replayRound != null) {
      int acknowledged = 0;
      while (acknowledged < replayRound.size() && replayRound.get(acknowledged).done && replayRound.get(acknowledged).error == null) {
        acknowledged++;
      }
      spool.advance(acknowledged);
      metrics.replayed(acknowledged);
      metrics.published(acknowledged);
      replayRound = null;
    }
    try {
      flushToSpool();
      if (!failedDirect.isEmpty()) {
        spool.prepend(failedDirect);
        metrics.spooled(failedDirect.size());
        failedDirect.clear();
      }
    } catch (UncheckedIOException e) {
      spoolWriteFailed(failedDirect.size(), e);
    } finally {
      spool.close();
    }
    if (unacknowledged > 0 || !spool.isEmpty()) {
      LOG.info("publisher closed with {} records in the spool ({} of them unacknowledged by the broker at shutdown); the next start sends them first",
          spool.pendingRecords(), unacknowledged);
    }
  }
}
