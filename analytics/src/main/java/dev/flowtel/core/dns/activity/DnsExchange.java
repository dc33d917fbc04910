package dev.flowtel.core.dns.activity;

import dev.flowtel.core.dns.DnsQuery;
import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.schema.DnsTransaction;

/**
 * What DNS activity counts of one {@link DnsTransaction}: who asked, for what name, what came back
 * and how fast. Small, so engines can shuffle it instead of the whole transaction.
 *
 * @param client the querier as a client edge end ({@link EdgeEnd#client}, as the DNS detectors name it)
 * @param name the question's name, lower-cased, without the trailing dot
 * @param responseCode RCODE, or null when no response came
 * @param latencyMicros query-to-response latency in whole microseconds, or null when unanswered
 * @param truncated the response had the TC bit
 * @param timeMillis event time: when the query passed the hook
 */
public record DnsExchange(EdgeEnd client, String name, Integer responseCode, Long latencyMicros, boolean truncated,
    long timeMillis) {

  public static DnsExchange of(DnsTransaction transaction) {
    DnsQuery query = DnsQuery.of(transaction);
    Long latencyNanos = transaction.getLatencyNanos();
    Long latency = transaction.getResponseCode() == null || latencyNanos == null ? null : latencyNanos / 1000;
    return new DnsExchange(query.client(), query.name(), transaction.getResponseCode(), latency,
        transaction.getTruncated(), query.timeMillis());
  }

  /** The key DNS activity groups by before it splits by name: the client's {@link EdgeEnd#key()}. */
  public String clientKey() {
    return client.key();
  }
}
