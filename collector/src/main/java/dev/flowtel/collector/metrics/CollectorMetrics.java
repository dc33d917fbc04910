package dev.flowtel.collector.metrics;

import dev.flowtel.collector.capture.CaptureMetrics;
import dev.flowtel.collector.spool.DiskSpool;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Every metric the collector exports, in one registry of its own (so two collectors in one JVM,
 * as in tests or the local run, do not collide). Names are documented in collector/README.md.
 */
public final class CollectorMetrics {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter flows;
  private volatile Supplier<CaptureMetrics> capture;
  private final Counter published;
  private final Counter spooled;
  private final Counter replayed;
  private final Counter lost;
  private final Histogram publishLatency;
  private final Counter hubbleMalformed;
  private final Counter dnsTransactions;
  private volatile DiskSpool spool;
  private volatile DnsNameReadings dnsNames;

  public static final String LOST_HANDOFF = "handoff-timeout";
  public static final String LOST_REJECTED = "rejected-by-broker";
  public static final String LOST_SPOOL_WRITE = "spool-write-failed";
  public static final String LOST_PUBLISHER_FAILED = "publisher-failed";
  /** Label values of flowtel_collector_hooks_shadowed. */
  public static final String HOOK_INGRESS = "ingress";
  public static final String HOOK_EGRESS = "egress";

  public CollectorMetrics() {
    flows = Counter.builder().name("flowtel_collector_flows")
        .help("Flow records the source handed to the publisher; rate() of it is flows per second")
        .labelNames("source").register(registry);
    captureGauge("flowtel_collector_map_entries", "Entries in the kernel flow table being written now (ebpf source)",
        CaptureMetrics::activeTableEntries);
    captureCounter("flowtel_collector_evictions", "Flow entries drained (evicted) from the kernel flow table (ebpf source)",
        CaptureMetrics::drainedEntries);
    captureCounter("flowtel_collector_ringbuf_drops",
        "New-flow announcements lost because the kernel ring buffer was full (ebpf source)", CaptureMetrics::ringBufferDrops);
    captureCounter("flowtel_collector_cache_packets",
        "Packets the kernel's per-CPU flow cache counted instead of the flow table, as of the last drain (ebpf source)",
        CaptureMetrics::cachePackets);
    GaugeWithCallback.builder().name("flowtel_collector_hooks_shadowed")
        .help("Attached interfaces whose TC hook runs another program or filter before ours (e.g. the CNI's), which may end"
            + " processing with a verdict and hide packets from the capture; the log names them (ebpf source)")
        .labelNames("hook").callback(cb -> {
          cb.call(readCapture(CaptureMetrics::shadowedIngressHooks), HOOK_INGRESS);
          cb.call(readCapture(CaptureMetrics::shadowedEgressHooks), HOOK_EGRESS);
        }).register(registry);
    published = Counter.builder().name("flowtel_collector_records_published")
        .help("Records the broker acknowledged (acks=all), directly or from the spool").register(registry);
    spooled = Counter.builder().name("flowtel_collector_records_spooled")
        .help("Records written to the on-disk spool because the broker was away or slow").register(registry);
    replayed = Counter.builder().name("flowtel_collector_records_replayed")
        .help("Spooled records the broker acknowledged after it came back").register(registry);
    lost = Counter.builder().name("flowtel_collector_records_lost")
        .help("Records given up, by reason: " + LOST_HANDOFF + " (the publisher's queue stayed full for the whole hand-off timeout), "
            + LOST_REJECTED + " (the broker refused the record for good, e.g. too large), "
            + LOST_SPOOL_WRITE + " (the spool could not be written, e.g. disk full), "
            + LOST_PUBLISHER_FAILED + " (the publisher thread died, see the log); spool-full drops are in flowtel_collector_spool_dropped_records")
        .labelNames("reason").register(registry);
    publishLatency = Histogram.builder().name("flowtel_collector_publish_latency_seconds")
        .help("From the publisher's send to the broker's acknowledgement")
        .classicOnly().classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
        .register(registry);
    hubbleMalformed = Counter.builder().name("flowtel_collector_hubble_malformed_lines")
        .help("Hubble JSON lines that could not be read as a flow and were skipped").register(registry);
    dnsTransactions = Counter.builder().name("flowtel_collector_dns_transactions")
        .help("DNS transactions (a query and its response, or its timeout) handed to the publisher for the DNS topic (ebpf source)")
        .register(registry);
    GaugeWithCallback.builder().name("flowtel_collector_dns_cache_entries")
        .help("Addresses the DNS answer cache names now, which external flow ends take their domain from (ebpf source)")
        .callback(cb -> {
          DnsNameReadings r = dnsNames;
          cb.call(r == null ? 0 : r.entries());
        }).register(registry);
    CounterWithCallback.builder().name("flowtel_collector_dns_cache_evictions")
        .help("Addresses dropped from the DNS answer cache to keep to --dns-cache-entries; a steady rate means the bound is too small"
            + " for the names this node resolves (ebpf source)")
        .callback(cb -> {
          DnsNameReadings r = dnsNames;
          cb.call(r == null ? 0 : r.evictions());
        }).register(registry);
    captureCounter("flowtel_collector_dns_malformed_packets",
        "UDP/TCP packets on a DNS port that the kernel could not read as a DNS query or response (truncated, not a"
            + " standard query, not one question, a compressed or over-long question name, a TCP message continued from an"
            + " earlier segment): skipped, their flows still counted (ebpf source)", CaptureMetrics::dnsMalformedPackets);
    captureCounter("flowtel_collector_dns_ringbuf_drops",
        "DNS events lost because the kernel's DNS ring buffer was full: a lost query still yields its transaction from"
            + " the response, a lost response leaves its query reported unanswered (ebpf source)", CaptureMetrics::dnsRingBufferDrops);
    captureCounter("flowtel_collector_dns_unmatched_responses",
        "DNS responses the kernel matched to no pending query and did not report: a second hook's sighting of an answered"
            + " query (normal where a packet passes two hooks), a response after --dns-timeout, or one to a query sent before"
            + " the capture started (ebpf source)", CaptureMetrics::dnsUnmatchedResponses);
    captureCounter("flowtel_collector_dns_unanswered_queries",
        "DNS queries reported without a response because none passed a hook within --dns-timeout; a steady rate means"
            + " an unreachable resolver, or responses on a path the capture does not see (ebpf source)",
        CaptureMetrics::dnsUnanswered);
    captureCounter("flowtel_collector_dns_unreadable_messages",
        "DNS messages the kernel passed on whose answers user space could not read (a name or record running past the"
            + " message's end): no transaction reported for them (ebpf source)", CaptureMetrics::dnsUnreadableMessages);
    captureGauge("flowtel_collector_dns_pending_queries", "DNS queries waiting for their response or their timeout now (ebpf source)",
        CaptureMetrics::dnsPendingQueries);
    spoolGauge("flowtel_collector_spool_bytes", "Bytes of the on-disk spool's segment files", DiskSpool::sizeBytes);
    spoolGauge("flowtel_collector_spool_pending_records", "Records in the spool waiting for the broker", DiskSpool::pendingRecords);
    spoolCounter("flowtel_collector_spool_dropped_segments",
        "Oldest spool segments deleted unsent because the spool reached its maximum size", DiskSpool::droppedSegments);
    spoolCounter("flowtel_collector_spool_dropped_records", "Unsent records in those dropped segments", DiskSpool::droppedRecords);
    spoolCounter("flowtel_collector_spool_truncated_tails",
        "Spool segments whose torn tail (crash mid-write) was cut off at start", DiskSpool::truncatedTails);
  }

  private void captureCounter(String name, String help, ToLongFunction<CaptureMetrics> value) {
    CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(readCapture(value))).register(registry);
  }

  private void captureGauge(String name, String help, ToLongFunction<CaptureMetrics> value) {
    GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(readCapture(value))).register(registry);
  }

  private void spoolGauge(String name, String help, ToLongFunction<DiskSpool> value) {
    GaugeWithCallback.builder().name(name).help(help).callback(cb -> {
      DiskSpool s = spool;
      cb.call(s == null ? 0 : value.applyAsLong(s));
    }).register(registry);
  }

  private void spoolCounter(String name, String help, ToLongFunction<DiskSpool> value) {
    CounterWithCallback.builder().name(name).help(help).callback(cb -> {
      DiskSpool s = spool;
      cb.call(s == null ? 0 : value.applyAsLong(s));
    }).register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** The spool whose size and drops the spool metrics report. */
  public void observe(DiskSpool spool) {
    this.spool = spool;
  }

  public void flow(String source) {
    flows.labelValues(source).inc();
  }

  public double flows(String source) {
    return flows.labelValues(source).get();
  }

  /** What the DNS answer cache reports, read when Prometheus scrapes. */
  public interface DnsNameReadings {
    /** Addresses named now. */
    long entries();

    /** Addresses dropped to keep to the bound so far. */
    long evictions();
  }

  /** Reports the DNS answer cache's figures from now on. */
  public void observeDnsNames(DnsNameReadings readings) {
    this.dnsNames = readings;
  }

  /** One DNS transaction handed to the publisher. */
  public void dnsTransaction() {
    dnsTransactions.inc();
  }

  public long dnsTransactionCount() {
    return (long) dnsTransactions.get();
  }

  /**
   * Reports the eBPF capture's figures from now on, read afresh when Prometheus scrapes (the source keeps its own
   * counters, in the kernel and in user space): {@code EbpfFlowSource::metrics}.
   */
  public void observeCapture(Supplier<CaptureMetrics> figures) {
    this.capture = figures;
  }

  private double readCapture(ToLongFunction<CaptureMetrics> value) {
    Supplier<CaptureMetrics> c = capture;
    return c == null ? 0 : value.applyAsLong(c.get());
  }

  public void published(long records) {
    published.inc(records);
  }

  public void spooled(long records) {
    spooled.inc(records);
  }

  public void replayed(long records) {
    replayed.inc(records);
  }

  public void lost(String reason, long records) {
    lost.labelValues(reason).inc(records);
  }

  public void publishLatency(long nanos) {
    publishLatency.observe(nanos / 1e9);
  }

  public void hubbleMalformedLine() {
    hubbleMalformed.inc();
  }

  public long publishedCount() {
    return (long) published.get();
  }

  public long spooledCount() {
    return (long) spooled.get();
  }

  public long replayedCount() {
    return (long) replayed.get();
  }

  public long lostCount(String reason) {
    return (long) lost.labelValues(reason).get();
  }

  public long hubbleMalformedCount() {
    return (long) hubbleMalformed.get();
  }
}
