package dev.flowtel.flink.dns;

import dev.flowtel.core.dns.activity.DnsActivityAccumulator;
import dev.flowtel.core.dns.activity.DnsExchange;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Flink's view of {@link DnsActivityAccumulator}: all counting rules, and the cap on names, live in core. */
final class DnsActivityAggregate implements AggregateFunction<DnsExchange, DnsActivityAccumulator, DnsActivityAccumulator> {

  private static final long serialVersionUID = 1L;
  private final int maxNames;

  DnsActivityAggregate(int maxNames) {
    this.maxNames = maxNames;
  }

  @Override
  public DnsActivityAccumulator createAccumulator() {
    return new DnsActivityAccumulator(maxNames);
  }

  @Override
  public DnsActivityAccumulator add(DnsExchange exchange, DnsActivityAccumulator accumulator) {
    accumulator.add(exchange);
    return accumulator;
  }

  @Override
  public DnsActivityAccumulator getResult(DnsActivityAccumulator accumulator) {
    return accumulator;
  }

  @Override
  public DnsActivityAccumulator merge(DnsActivityAccumulator a, DnsActivityAccumulator b) {
    a.merge(b);
    return a;
  }
}
