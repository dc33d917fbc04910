package dev.flowtel.simulator.callgraph;

/**
 * How connections on one edge look: protocol, how long they last, how many payload bytes flow
 * each way (a fixed part per connection plus a part per second open), round-trip time, how often
 * the server resets, and how many connections it opens relative to other edges.
 *
 * @param meanSeconds mean connection lifetime (exponentially distributed)
 * @param connectionWeight relative rate of new connections, calibrated against flowsPerSecond
 */
public record TrafficShape(String name, int protocol, double meanSeconds, double requestBytes, double requestBytesPerSecond,
    double responseBytes, double responseBytesPerSecond, long rttMicros, double resetProbability, double connectionWeight) {

  /** Browser traffic from the internet to the ingress controller. */
  public static final TrafficShape INTERNET_HTTPS = new TrafficShape("internet-https", 6, 2.0, 900, 0, 24_000, 0, 35_000, 0.01, 8);
  /** Request/response HTTP inside the cluster. */
  public static final TrafficShape HTTP = new TrafficShape("http", 6, 0.25, 700, 0, 6_000, 0, 400, 0.005, 6);
  /** gRPC between APIs over pooled HTTP/2 connections. */
  public static final TrafficShape GRPC = new TrafficShape("grpc", 6, 30, 400, 3_000, 400, 9_000, 300, 0.002, 0.3);
  /** A database connection pool: long-lived, steady queries. */
  public static final TrafficShape DATABASE_POOL = new TrafficShape("database-pool", 6, 120, 200, 4_000, 200, 25_000, 350, 0.001, 0.15);
  /** Cache connections: long-lived, small and frequent. */
  public static final TrafficShape CACHE_POOL = new TrafficShape("cache-pool", 6, 300, 100, 2_500, 100, 6_000, 200, 0.001, 0.1);
  /** AMQP publishers and consumers: very long-lived. */
  public static final TrafficShape QUEUE = new TrafficShape("queue", 6, 600, 300, 1_500, 300, 1_200, 300, 0.0005, 0.05);
  /** One DNS query and answer per 5-tuple. */
  public static final TrafficShape DNS = new TrafficShape("dns", 17, 0.002, 74, 0, 160, 0, 0, 0, 2);
  /** CoreDNS forwarding misses upstream. */
  public static final TrafficShape UPSTREAM_DNS = new TrafficShape("upstream-dns", 17, 0.02, 74, 0, 180, 0, 0, 0, 0.6);
  /** HTTPS to a SaaS API on the internet. */
  public static final TrafficShape SAAS_HTTPS = new TrafficShape("saas-https", 6, 1.5, 2_500, 0, 9_000, 0, 28_000, 0.01, 0.8);
  /** Prometheus scraping an exporter. */
  public static final TrafficShape SCRAPE = new TrafficShape("scrape", 6, 0.15, 300, 0, 60_000, 0, 300, 0, 0.3);

  public boolean tcp() {
    return protocol == 6;
  }

  /** Expected FlowEvents per connection: 2 directions x 2 observation points x intervals spanned. */
  public double expectedFlowEvents(double intervalSeconds) {
    return 4 * (1 + meanSeconds / intervalSeconds);
  }
}
