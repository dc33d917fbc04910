package dev.flowtel.collector.dns;

import dev.flowtel.schema.DnsTransaction;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the kernel's DNS events into {@link DnsTransaction}s: a response completes its query (the kernel has
 * already matched them and timed both), a query with no response within the timeout is reported unanswered.
 * A response whose query event was lost (ring buffer full) is still reported, from the response alone: it
 * carries the question and its query's time. Not thread-safe: one DNS polling thread calls it; its counts
 * ({@link #answered}, {@link #unanswered}, {@link #malformed}, {@link #pendingQueries}) may be read from any thread.
 */
public final class DnsTransactionAssembler {

  private static final Logger LOG = LoggerFactory.getLogger(DnsTransactionAssembler.class);
  /**
   * Queries waiting here at most: the kernel's table holds 16,384 (dns.h), and a query evicted from it can no
   * longer be answered either. Beyond this the oldest is reported unanswered early.
   */
  static final int MAX_PENDING = 65536;
  /**
   * How long past the timeout a query waits here: the kernel matches responses up to the timeout, and such a
   * response may still be on its way through the ring buffer.
   */
  static final long GRACE_NANOS = 200_000_000L;

  private final String node;
  private final IntFunction<String> interfaceName;
  private final long timeoutNanos;
  private final Consumer<DnsTransaction> transactions;
  private final Map<KernelDnsEvent.Key, KernelDnsEvent> pending = new LinkedHashMap<>();
  // Written by the one polling thread only, read by metrics scrapes: volatile is enough.
  private volatile long answered;
  private volatile long unanswered;
  private volatile long malformed;
  private volatile int pendingCount;

  /**
   * @param interfaceName name of an ifindex, or null when unknown
   * @param transactions  receives every completed transaction
   */
  public DnsTransactionAssembler(String node, IntFunction<String> interfaceName, Duration timeout,
      Consumer<DnsTransaction> transactions) {
    this.node = node;
    this.interfaceName = interfaceName;
    this.timeoutNanos = timeout.toNanos();
    this.transactions = transactions;
  }

  /**
   * Takes one kernel event. {@code epochOffsetNanos} turns the kernel's CLOCK_MONOTONIC times into epoch
   * nanoseconds (epoch now minus System.nanoTime now).
   */
  public void accept(KernelDnsEvent event, long epochOffsetNanos) {
    if (event.kind() == KernelDnsEvent.Kind.QUERY) {
      pending.putIfAbsent(event.key(), event);
      if (pending.size() > MAX_PENDING) {
        Iterator<KernelDnsEvent> oldest = pending.values().iterator();
        KernelDnsEvent query = oldest.next();
        oldest.remove();
        emit(query, epochOffsetNanos);
      }
      pendingCount = pending.size();
      return;
    }
    pending.remove(event.key());
    pendingCount = pending.size();
    emit(event, epochOffsetNanos);
  }

  /** Reports, unanswered, the queries older than the timeout (and its grace) at CLOCK_MONOTONIC {@code nowNanos}. */
  public void expire(long nowNanos, long epochOffsetNanos) {
    Iterator<KernelDnsEvent> queries = pending.values().iterator();
    while (queries.hasNext()) {
      KernelDnsEvent query = queries.next();
      if (nowNanos - query.queryNanos() < timeoutNanos + GRACE_NANOS) {
        continue; // CPUs may report queries slightly out of order: look at every one, there are few
      }
      queries.remove();
      pendingCount = pending.size();
      emit(query, epochOffsetNanos);
    }
  }

  /** Queries waiting for their response or their timeout. */
  public int pendingQueries() {
    return pendingCount;
  }

  /** Transactions reported with a response. */
  public long answered() {
    return answered;
  }

  /** Transactions reported without one. */
  public long unanswered() {
    return unanswered;
  }

  /** Events whose message user space could not read (see {@link DnsMessageReader}): dropped. */
  public long malformed() {
    return malformed;
  }

  private void emit(KernelDnsEvent event, long epochOffsetNanos) {
    DnsTransaction transaction;
    try {
      transaction = toTransaction(event, epochOffsetNanos);
    } catch (DnsMessageReader.MalformedMessageException e) {
      malformed++;
      LOG.debug("skipped a DNS message the kernel passed on: {} ({})", e.getMessage(), event);
      return;
    }
    if (transaction.getResponseCode() == null) {
      unanswered++;
    } else {
      answered++;
    }
    transactions.accept(transaction);
  }

  DnsTransaction toTransaction(KernelDnsEvent event, long epochOffsetNanos) {
    KernelDnsEvent.Key key = event.key();
    String name = DnsMessageReader.questionName(event.message());
    DnsTransaction.Builder t = DnsTransaction.newBuilder()
        .setQueryTime(instant(event.queryNanos() + epochOffsetNanos))
        .setNode(node)
        .setInterfaceName(interfaceName.apply(event.ifindex()))
        .setInterfaceIndex(event.ifindex())
        .setIpVersion(key.ipVersion())
        .setClientAddr(ByteBuffer.wrap(key.clientAddr()))
        .setServerAddr(ByteBuffer.wrap(key.serverAddr()))
        .setClientPort(key.clientPort())
        .setServerPort(key.serverPort())
        .setProtocol(key.protocol())
        .setTransactionId(key.transactionId())
        .setQueryName(name)
        .setQueryType(event.queryType())
        .setAnswers(List.of());
    if (event.kind() == KernelDnsEvent.Kind.RESPONSE) {
      DnsMessageReader.AddressAnswers answers = DnsMessageReader.addressAnswers(event.message(), event.messageLength(),
          event.questionEnd(), event.answerCount(), name);
      t.setResponseTime(instant(event.responseNanos() + epochOffsetNanos))
          .setLatencyNanos(event.responseNanos() - event.queryNanos())
          .setResponseCode(event.responseCode())
          .setAnswerCount(event.answerCount())
          .setTruncated(event.truncatedBit())
          .setAnswers(answers.answers())
          .setAnswersTruncated(answers.truncated());
    }
    return t.build();
  }

  private static Instant instant(long epochNanos) {
    return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
  }
}
