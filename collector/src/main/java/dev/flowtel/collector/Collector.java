package dev.flowtel.collector;

import dev.flowtel.collector.capture.EbpfFlowSource;
import dev.flowtel.collector.enrich.ClusterWatch;
import dev.flowtel.collector.enrich.DnsAnswerCache;
import dev.flowtel.collector.enrich.EnrichmentCache;
import dev.flowtel.collector.enrich.EnrichmentSettings;
import dev.flowtel.collector.enrich.FlowEnricher;
import dev.flowtel.collector.hubble.HubbleFlowSource;
import dev.flowtel.collector.metrics.CollectorMetrics;
import dev.flowtel.collector.metrics.MetricsServer;
import dev.flowtel.collector.publish.FlowPublisher;
import dev.flowtel.collector.spool.DiskSpool;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.source.FlowSink;
import dev.flowtel.core.source.FlowSource;
import dev.flowtel.core.source.SyntheticSourceFactory;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.FlowEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running collector: a flow source feeding the publisher (spool behind it) and the Prometheus
 * endpoint; for the ebpf source, Kubernetes enrichment in between (unless --no-enrich). {@link #start(CollectorConfig)} builds it from the command line; the other factory
 * takes parts, for programs that embed the collector ({@code ./flowtel up}) and for tests.
 * {@link #close()} stops the source (which flushes what it holds), then the publisher (which
 * sends or spools everything queued), then the endpoint.
 */
public final class Collector implements AutoCloseable {

  private static final FlowClassifier EDGES = new FlowClassifier();

  private static final Logger LOG = LoggerFactory.getLogger(Collector.class);

  private final FlowSource source;
  private final Enrichment enrichment;
  private final FlowPublisher publisher;
  private final CollectorMetrics metrics;
  private final MetricsServer metricsServer;
  private boolean closed;

  private Collector(FlowSource source, Enrichment enrichment, FlowPublisher publisher, CollectorMetrics metrics, MetricsServer metricsServer) {
    this.source = source;
    this.enrichment = enrichment;
    this.publisher = publisher;
    this.metrics = metrics;
    this.metricsServer = metricsServer;
  }

  /** Builds every part from {@code config} and starts delivering. */
  public static Collector start(CollectorConfig config) throws Exception {
    CollectorMetrics metrics = new CollectorMetrics();
    Map<String, Object> producerConfig = config.producerConfig();
    FlowSource source = createSource(config, metrics);
    // The names this node sees resolved, for external flow ends; only the ebpf source sees DNS.
    DnsAnswerCache dnsNames = source instanceof EbpfFlowSource ? config.dnsAnswerCache(Clock.systemUTC()) : null;
    Enrichment enrichment = null;
    if (source instanceof EbpfFlowSource && config.enrichment().enabled()) {
      String api = kubernetesApiConfigured();
      if (api == null) {
        // A local run (./flowtel up) on a host that is not a Kubernetes node: addresses only.
        LOG.info("no Kubernetes API configured (not in a pod, no $KUBECONFIG or ~/.kube/config): ebpf flows are published without enrichment");
      } else {
        LOG.info("enriching ebpf flows from the Kubernetes API ({})", api);
        enrichment = Enrichment.start(config.enrichment().toSettings(), dnsNames);
      }
    }
    MetricsServer server = null;
    try {
      server = config.metricsPort() >= 0 ? MetricsServer.start(metrics, config.metricsPort()) : null;
      DiskSpool spool = DiskSpool.open(config.spoolSettings());
      FlowPublisher publisher = new FlowPublisher(config.publisherSettings(), producerConfig, spool, metrics);
      Collector collector = start(source, enrichment, dnsNames, publisher, metrics, server);
      LOG.info("collector on node {}: source {}, publishing to {} at {}, spool {}{}", config.nodeName(), source.name(),
          config.publisherSettings().flowsTopic(), producerConfig.get("bootstrap.servers"), config.spoolSettings().directory(),
          server == null ? "" : ", metrics on :" + server.port() + "/metrics");
      return collector;
    } catch (Exception | Error e) {
      if (server != null) {
        server.close();
      }
      if (enrichment != null) {
        enrichment.close();
      }
      throw e;
    }
  }

  /** Where the Kubernetes client will find its API, or null when nothing configures one. */
  static String kubernetesApiConfigured() {
    if (System.getenv("KUBERNETES_SERVICE_HOST") != null) {
      return "in-cluster service account";
    }
    String kubeconfig = System.getenv("KUBECONFIG");
    if (kubeconfig != null && !kubeconfig.isBlank()) {
      return "$KUBECONFIG " + kubeconfig;
    }
    Path home = Path.of(System.getProperty("user.home"), ".kube", "config");
    return Files.exists(home) ? home.toString() : null;
  }

  /** Kubernetes enrichment for sources that see only addresses (ebpf): informers, cache, enricher. */
  private record Enrichment(KubernetesClient client, ClusterWatch watch, FlowEnricher enricher) implements AutoCloseable {

    static Enrichment start(EnrichmentSettings settings, DnsAnswerCache dnsNames) throws TimeoutException, InterruptedException {
      EnrichmentCache cache = new EnrichmentCache(settings, Clock.systemUTC());
      KubernetesClient client = new KubernetesClientBuilder().build();
      try {
        return new Enrichment(client, ClusterWatch.start(client, cache), new FlowEnricher(cache, dnsNames));
      } catch (TimeoutException | InterruptedException | RuntimeException e) {
        client.close();
        throw e;
      }
    }

    @Override
    public void close() {
      try {
        watch.close();
      } finally {
        client.close();
      }
    }
  }

  /**
   * Starts {@code source} delivering into {@code publisher}; the collector owns all parts from
   * here on and closes them. {@code metricsServer} may be null.
   */
  public static Collector start(FlowSource source, FlowPublisher publisher, CollectorMetrics metrics, MetricsServer metricsServer)
      throws Exception {
    return start(source, null, null, publisher, metrics, metricsServer);
  }

  /**
   * @param dnsNames the DNS answer cache; with an ebpf source, its DNS transactions feed it and go to the DNS topic
   *     (enriched when {@code enrichment} is there). Null for other sources.
   */
  private static Collector start(FlowSource source, Enrichment enrichment, DnsAnswerCache dnsNames, FlowPublisher publisher,
      CollectorMetrics metrics, MetricsServer metricsServer) throws Exception {
    Objects.requireNonNull(source, "source");
    Collector collector = new Collector(source, enrichment, publisher, metrics, metricsServer);
    FlowEnricher enricher = enrichment == null ? null : enrichment.enricher();
    // The stream jobs need every flow of one service edge in one partition (the Kafka Streams app
    // windows per partition): key by the edge the jobs will compute, once endpoints are known.
    // The simulator already keys by its call-graph edge; capture sources know only connections.
    boolean keyByEdge = !source.keysByServiceEdge();
    if (source instanceof EbpfFlowSource ebpf) {
      metrics.observeCapture(ebpf::metrics);
      if (dnsNames != null) {
        metrics.observeDnsNames(new CollectorMetrics.DnsNameReadings() {
          @Override
          public long entries() {
            return dnsNames.size();
          }

          @Override
          public long evictions() {
            return dnsNames.evictions();
          }
        });
        // On the capture's DNS thread: learn the answer first, so the server end (and flows after it) can be named.
        ebpf.onDnsTransaction(transaction -> {
          dnsNames.record(transaction);
          publisher.dnsTransaction(enricher == null ? transaction : enricher.enrich(transaction));
          metrics.dnsTransaction();
        });
      }
    }
    publisher.start();
    String name = source.name();
    try {
      source.start(new FlowSink() {
        @Override
        public void flow(FlowEvent flow, String partitionKey) {
          metrics.flow(name);
          FlowEvent enriched = enricher == null ? flow : enricher.enrich(flow);
          publisher.flow(enriched, keyByEdge ? EDGES.classifyCounted(enriched).edgeKey() : partitionKey);
        }

        @Override
        public void clusterState(String key, ClusterState stateOrNull) {
          publisher.clusterState(key, stateOrNull);
        }
      });
    } catch (Exception | Error e) {
      collector.close();
      throw e;
    }
    return collector;
  }

  static FlowSource createSource(CollectorConfig config, CollectorMetrics metrics) {
    return switch (config.sourceSpec()) {
      case CollectorConfig.SourceSpec.Synthetic s -> SyntheticSourceFactory.installed()
          .orElseThrow(() -> new IllegalArgumentException("--source synthetic: the simulator is not in this build "
              + "(the node agent's jar carries no test data); run it as ./flowtel collector --source synthetic"))
          .open(config.syntheticSettings());
      case CollectorConfig.SourceSpec.Hubble h -> HubbleFlowSource.of(h.file(), config.nodeName(), metrics);
      case CollectorConfig.SourceSpec.Ebpf e -> new EbpfFlowSource(config.captureSettings());
    };
  }

  public FlowSource source() {
    return source;
  }

  public FlowPublisher publisher() {
    return publisher;
  }

  public CollectorMetrics metrics() {
    return metrics;
  }

  /** The Prometheus endpoint's port, or -1 when none is served. */
  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.port();
  }

  /**
   * Waits for a source with an end (a Hubble file, a bounded simulation) to reach it; true when it
   * did within {@code timeout}. A source without an end (ebpf, stdin, an unbounded simulation)
   * just waits out the timeout and returns false.
   */
  public boolean awaitSourceEnd(Duration timeout) throws InterruptedException {
    return source.awaitEnd(timeout);
  }


  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      source.close();
    } catch (RuntimeException e) {
      LOG.warn("closing the {} source: {}", source.name(), e.toString());
    }
    try {
      publisher.close();
    } catch (RuntimeException e) {
      LOG.error("closing the publisher: {}", e.getMessage());
    } finally {
      if (metricsServer != null) {
        metricsServer.close();
      }
      if (enrichment != null) {
        enrichment.close();
      }
    }
  }
}
