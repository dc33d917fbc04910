package dev.flowtel.collector.capture;

/**
 * What the eBPF capture has done so far, for the collector's Prometheus metrics.
 *
 * @param exportedFlows      FlowEvents handed to the sink
 * @param activeTableEntries entries in the kernel table being written now (approximate)
 * @param cachedFlows        drained flows waiting here for their idle or active timeout
 * @param drains             table flips and drains
 * @param earlyDrains        of drains, those started early because the table was filling up
 * @param drainedEntries     kernel entries drained
 * @param tableFull          packets not counted because the kernel table was full
 * @param ringBufferDrops    new-flow announcements lost because the ring buffer was full
 * @param newFlowsAnnounced  new-flow announcements read from the ring buffer
 * @param malformedPackets   IP packets with truncated or invalid headers (not counted)
 * @param sinkFailures       flows the sink refused
 * @param cachePackets       packets the kernel's per-CPU flow cache counted instead of the table (collected at drains)
 * @param shadowedIngressHooks attached interfaces whose ingress hook runs another program or filter before ours, which may
 *                           end processing and hide packets from us ({@link InterfaceAttacher#shadowedHooks})
 * @param shadowedEgressHooks  the same for the egress hook
 * @param dnsTransactions    DNS transactions handed to the registered consumer, answered or not
 * @param dnsMalformedPackets packets on a DNS port that were no DNS message the kernel reads (skipped, dns.h)
 * @param dnsRingBufferDrops DNS events lost because the kernel's dns_events ring buffer was full
 * @param dnsUnmatchedResponses responses without a pending query: a second hook's sighting of one already matched,
 *                           or a response to a query not seen or past the DNS timeout
 * @param dnsUnanswered      of dnsTransactions (and those the consumer refused), queries reported without a response within
 *                           the DNS timeout
 * @param dnsUnreadableMessages DNS messages the kernel passed on that user space could not read (an answer's name or
 *                           data running past the message's end): dropped, no transaction reported
 * @param dnsPendingQueries  queries waiting in user space for their response or their timeout now
 */
public record CaptureMetrics(
    long exportedFlows,
    long activeTableEntries,
    long cachedFlows,
    long drains,
    long earlyDrains,
    long drainedEntries,
    long tableFull,
    long ringBufferDrops,
    long newFlowsAnnounced,
    long malformedPackets,
    long sinkFailures,
    long cachePackets,
    long shadowedIngressHooks,
    long shadowedEgressHooks,
    long dnsTransactions,
    long dnsMalformedPackets,
    long dnsRingBufferDrops,
    long dnsUnmatchedResponses,
    long dnsUnanswered,
    long dnsUnreadableMessages,
    long dnsPendingQueries) {

  /** The figures without the hook positions, which a capture that has not looked reports as 0. */
  public CaptureMetrics(long exportedFlows, long activeTableEntries, long cachedFlows, long drains, long earlyDrains,
      long drainedEntries, long tableFull, long ringBufferDrops, long newFlowsAnnounced, long malformedPackets, long sinkFailures,
      long cachePackets) {
    this(exportedFlows, activeTableEntries, cachedFlows, drains, earlyDrains, drainedEntries, tableFull, ringBufferDrops,
        newFlowsAnnounced, malformedPackets, sinkFailures, cachePackets, 0, 0);
  }

  /** The figures without DNS, which a capture without it reports as 0. */
  public CaptureMetrics(long exportedFlows, long activeTableEntries, long cachedFlows, long drains, long earlyDrains,
      long drainedEntries, long tableFull, long ringBufferDrops, long newFlowsAnnounced, long malformedPackets, long sinkFailures,
      long cachePackets, long shadowedIngressHooks, long shadowedEgressHooks) {
    this(exportedFlows, activeTableEntries, cachedFlows, drains, earlyDrains, drainedEntries, tableFull, ringBufferDrops,
        newFlowsAnnounced, malformedPackets, sinkFailures, cachePackets, shadowedIngressHooks, shadowedEgressHooks, 0, 0, 0, 0, 0, 0, 0);
  }
}
