package dev.flowtel.flink.dns;

import dev.flowtel.core.dns.DnsQuery;
import dev.flowtel.core.dns.activity.DnsExchange;
import dev.flowtel.flink.input.DeadLetter;
import dev.flowtel.flink.input.FlowWatermarks;

/**
 * What the DNS source hands a job for one Kafka record: the transaction as DNS activity counts it
 * and as the DNS detectors read it, with its original bytes (kept until the lateness check, so a
 * late query reaches the DLQ unchanged), or a dead letter.
 */
public record DnsInput(DnsExchange exchange, DnsQuery query, byte[] original, DeadLetter deadLetter) implements FlowWatermarks.EventTimed {

  public static DnsInput dead(DeadLetter deadLetter) {
    return new DnsInput(null, null, null, deadLetter);
  }

  /** Event time for watermarks (the query's time); dead letters must not move them. */
  @Override
  public long eventTimeOr(long fallback) {
    return exchange != null ? exchange.timeMillis() : fallback;
  }
}
