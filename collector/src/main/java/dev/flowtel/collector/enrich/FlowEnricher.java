package dev.flowtel.collector.enrich;

import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Fills a flow's {@code source} and {@code destination} Endpoints from the {@link EnrichmentCache}:
 * two map lookups per flow, no API call, safe from any number of threads. The pod that held an IP
 * at the flow's end (else its start) is the one named, so a reused IP is attributed by time.
 *
 * <p>With a {@link DnsAnswerCache}, an EXTERNAL end also gets the name this node saw resolved to its
 * address ({@code domain}), one more lookup per external end. The same lookups fill a {@link
 * DnsTransaction}'s client and server ({@link #enrich(DnsTransaction)}).
 *
 * <p>Endpoints a source already set (the simulator, Hubble) are kept (an external one still gets its
 * domain). The Endpoints filled in are shared between flows: read them, never modify them; a named
 * one is a copy, shared per (endpoint, name).
 */
public final class FlowEnricher {

  /** The named copies kept; past this many they are forgotten and rebuilt (each is a few dozen bytes). */
  private static final int MAX_NAMED_ENDPOINTS = 65_536;

  /** An endpoint (by identity: the cache shares them) and a name. */
  private record Named(Endpoint base, String domain) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Named n && n.base == base && n.domain.equals(domain);
    }

    @Override
    public int hashCode() {
      return 31 * System.identityHashCode(base) + domain.hashCode();
    }
  }

  private final EnrichmentCache cache;
  private final DnsAnswerCache names;
  private final ConcurrentHashMap<Named, Endpoint> namedEndpoints = new ConcurrentHashMap<>();
  private final LongAdder flows = new LongAdder();
  private final LongAdder podEndpoints = new LongAdder();
  private final LongAdder namedEnds = new LongAdder();

  public FlowEnricher(EnrichmentCache cache) {
    this(cache, null);
  }

  /** {@code names} may be null: external ends then carry no domain. */
  public FlowEnricher(EnrichmentCache cache, DnsAnswerCache names) {
    this.cache = cache;
    this.names = names;
  }

  /** {@code flow} itself, with the missing endpoints filled in. */
  public FlowEvent enrich(FlowEvent flow) {
    long end = millis(flow.getFlowEnd());
    long start = flow.getFlowStart() == null ? end : millis(flow.getFlowStart());
    IpAddress src = null;
    IpAddress dst = null;
    if (flow.getSource() == null) {
      src = IpAddress.ofBytes(flow.getSrcAddr()).unmapped();
      Endpoint source = cache.endpoint(src, flow.getSrcPort(), flow.getProtocol(), end, start);
      flow.setSource(source);
      count(source);
    }
    if (flow.getDestination() == null) {
      dst = IpAddress.ofBytes(flow.getDstAddr()).unmapped();
      Endpoint destination = cache.endpoint(dst, flow.getDstPort(), flow.getProtocol(), end, start);
      flow.setDestination(destination);
      count(destination);
    }
    if (names != null) {
      // The flow's start: the connection was opened to the name resolved before it.
      if (needsName(flow.getSource())) {
        flow.setSource(named(flow.getSource(), src != null ? src : IpAddress.ofBytes(flow.getSrcAddr()).unmapped(), start));
      }
      if (needsName(flow.getDestination())) {
        flow.setDestination(named(flow.getDestination(), dst != null ? dst : IpAddress.ofBytes(flow.getDstAddr()).unmapped(), start));
      }
    }
    flows.increment();
    return flow;
  }

  /**
   * {@code transaction} itself, with its client and server filled in as a flow between them at the
   * query's time would have them (the server is often kube-dns's pod, or an external resolver).
   */
  public DnsTransaction enrich(DnsTransaction transaction) {
    long at = millis(transaction.getQueryTime());
    if (transaction.getClient() == null) {
      IpAddress client = address(transaction.getClientAddr());
      Endpoint endpoint = cache.endpoint(client, transaction.getClientPort(), transaction.getProtocol(), at, at);
      transaction.setClient(names != null && needsName(endpoint) ? named(endpoint, client, at) : endpoint);
    }
    if (transaction.getServer() == null) {
      IpAddress server = address(transaction.getServerAddr());
      Endpoint endpoint = cache.endpoint(server, transaction.getServerPort(), transaction.getProtocol(), at, at);
      transaction.setServer(names != null && needsName(endpoint) ? named(endpoint, server, at) : endpoint);
    }
    return transaction;
  }

  /** External ends that a flow or DNS transaction named. */
  public long namedEndpoints() {
    return namedEnds.sum();
  }

  private static boolean needsName(Endpoint endpoint) {
    return endpoint != null && endpoint.getKind() == EndpointKind.EXTERNAL && endpoint.getDomain() == null;
  }

  /** {@code endpoint}, or a shared copy of it with the name {@code address} had at {@code atMillis}. */
  private Endpoint named(Endpoint endpoint, IpAddress address, long atMillis) {
    String domain = names.name(address, atMillis);
    if (domain == null) {
      return endpoint;
    }
    namedEnds.increment();
    Named key = new Named(endpoint, domain);
    Endpoint copy = namedEndpoints.get(key);
    if (copy == null) {
      if (namedEndpoints.size() >= MAX_NAMED_ENDPOINTS) {
        namedEndpoints.clear();
      }
      // A new record sharing the (read-only) values: never setDomain on the shared one.
      copy = new Endpoint(endpoint.getKind(), endpoint.getNamespace(), endpoint.getPod(), endpoint.getWorkloadKind(),
          endpoint.getWorkloadName(), endpoint.getServices(), endpoint.getLabels(), endpoint.getNode(),
          endpoint.getHostNetwork(), endpoint.getNetworkClass(), domain);
      Endpoint raced = namedEndpoints.putIfAbsent(key, copy);
      copy = raced == null ? copy : raced;
    }
    return copy;
  }

  private static IpAddress address(ByteBuffer bytes) {
    return IpAddress.ofBytes(bytes).unmapped();
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
