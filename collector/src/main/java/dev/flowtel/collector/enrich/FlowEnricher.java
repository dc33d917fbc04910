package dev.flowtel.collector.enrich;

import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.FlowEvent;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/**
 * Fills a flow's {@code source} and {@code destination} Endpoints from the {@link EnrichmentCache}:
 * two map lookups per flow, no API call, safe from any number of threads. The pod that held an IP
 * at the flow's end (else its start) is the one named, so a reused IP is attributed by time.
 *
 * <p>Endpoints a source already set (the simulator, Hubble) are kept. The Endpoints filled in are
 * shared between flows: read them, never modify them.
 */
public final class FlowEnricher {

  private final EnrichmentCache cache;
  private final LongAdder flows = new LongAdder();
  private final LongAdder podEndpoints = new LongAdder();

  public FlowEnricher(EnrichmentCache cache) {
    this.cache = cache;
  }

  /** {@code flow} itself, with the missing endpoints filled in. */
  public FlowEvent enrich(FlowEvent flow) {
    long end = millis(flow.getFlowEnd());
    long start = flow.getFlowStart() == null ? end : millis(flow.getFlowStart());
    if (flow.getSource() == null) {
      Endpoint source = cache.endpoint(IpAddress.ofBytes(flow.getSrcAddr()).unmapped(), flow.getSrcPort(), flow.getProtocol(), end, start);
      flow.setSource(source);
      count(source);
    }
    if (flow.getDestination() == null) {
      Endpoint destination = cache.endpoint(IpAddress.ofBytes(flow.getDstAddr()).unmapped(), flow.getDstPort(), flow.getProtocol(), end, start);
      flow.setDestination(destination);
      count(destination);
    }
    flows.increment();
    return flow;
  }

  /** Flows passed through {@link #enrich}. */
  public long flows() {
    return flows.sum();
  }

  /** Endpoints filled in that named a pod; with {@link #flows()}, the share of traffic attributed to pods. */
  public long podEndpoints() {
    return podEndpoints.sum();
  }

  private void count(Endpoint endpoint) {
    if (endpoint.getPod() != null) {
      podEndpoints.increment();
    }
  }

  private static long millis(Instant instant) {
    return instant == null ? 0 : instant.toEpochMilli();
  }
}
