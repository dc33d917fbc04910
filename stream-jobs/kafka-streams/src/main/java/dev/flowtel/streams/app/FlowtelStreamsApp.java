package dev.flowtel.streams.app;

import dev.flowtel.streams.detection.ClusterStateFeed;
import com.sun.net.httpserver.HttpServer;
import dev.flowtel.streams.http.StatusServer;
import dev.flowtel.streams.metrics.AppMetrics;
import dev.flowtel.streams.query.FleetQueries;
import dev.flowtel.streams.query.InstanceDirectory;
import dev.flowtel.streams.query.PeerQueries;
import dev.flowtel.streams.query.StoreQueries;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running application: the topology on Kafka, the HTTP server beside it (advertised to the
 * other instances, which it asks in turn), and a close that commits and stops both. Programs (the jar's main, {@code ./flowtel up}) start it and close it.
 */
public final class FlowtelStreamsApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FlowtelStreamsApp.class);

  private final StreamsAppConfig config;
  private final AppMetrics metrics;
  private final KafkaStreams streams;
  private final StatusServer server;
  private final PeerQueries peers;

  private FlowtelStreamsApp(StreamsAppConfig config, AppMetrics metrics, KafkaStreams streams, StatusServer server,
      PeerQueries peers) {
    this.config = config;
    this.metrics = metrics;
    this.streams = streams;
    this.server = server;
    this.peers = peers;
  }

  /** Builds the topology for the flows topic as it is on the broker and starts it (and the HTTP server). */
  public static FlowtelStreamsApp start(StreamsAppConfig config) throws Exception {
    Properties properties = config.streamsProperties();
    int partitions = partitions(config, config.flowsTopic(), "flows");
    int dnsPartitions = config.dns() ? dnsPartitions(config) : 0;
    AppMetrics metrics = new AppMetrics();
    Topology topology = FlowtelTopology.build(FlowtelTopology.settings(config, partitions, dnsPartitions, true, true),
        new ClusterStateFeed(), metrics);
    // The HTTP port is bound first: the address the other instances query this one at
    // (application.server) includes it, and Kafka Streams takes it at creation.
    HttpServer http = config.httpPort() < 0 ? null : StatusServer.bind(config.httpHost(), config.httpPort());
    try {
      return start(config, partitions, metrics, topology, properties, http);
    } catch (Exception | Error e) {
      if (http != null) {
        http.stop(0); // free the port: the caller may try again
      }
      throw e;
    }
  }

  private static FlowtelStreamsApp start(StreamsAppConfig config, int partitions, AppMetrics metrics, Topology topology,
      Properties properties, HttpServer http) {
    HostInfo advertised = http == null ? null : config.advertisedHttp(http.getAddress().getPort());
    if (advertised != null) {
      properties.put(StreamsConfig.APPLICATION_SERVER_CONFIG, InstanceDirectory.authority(advertised));
    }
    KafkaStreams streams = new KafkaStreams(topology, properties);
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("stream thread failed; the application shuts down", e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    PeerQueries peers = null;
    StatusServer server = null;
    if (http != null) {
      peers = new PeerQueries(config.peerQueryTimeout());
      StoreQueries local = new StoreQueries(streams, config.window(), topology.describe());
      server = StatusServer.start(http, streams, metrics, local, new FleetQueries(local,
          new InstanceDirectory(streams, advertised)::otherInstances, peers, config.peerQueryTimeout()));
    }
    FlowtelStreamsApp app = new FlowtelStreamsApp(config, metrics, streams, server, peers);
    streams.start();
    LOG.info("flowtel-streams {} started on {} ({} flows partitions){}", config.applicationId(), config.flowsTopic(),
        partitions, server == null ? "" : "; HTTP on port " + server.port() + ", advertised to the other instances as "
            + advertised.host() + ':' + advertised.port());
    return app;
  }

  public AppMetrics metrics() {
    return metrics;
  }

  public KafkaStreams streams() {
    return streams;
  }

  /** The HTTP port actually bound (useful with --http-port 0), or -1 without a server. */
  public int httpPort() {
    return server == null ? -1 : server.port();
  }

  /** Waits until the application runs (all tasks assigned and restored) or fails. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      KafkaStreams.State state = streams.state();
      if (state == KafkaStreams.State.RUNNING) {
        return true;
      }
      if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
        return false;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /**
   * Partitions of the DNS topic, or 0 when it does not exist: the app then runs without DNS and says so,
   * rather than stop the flows' analytics for a topic that only collectors with DNS capture fill.
   */
  private static int dnsPartitions(StreamsAppConfig config) throws Exception {
    String topic = config.dnsActivity().dnsTopic();
    try (Admin admin = Admin.create(config.clientProperties())) {
      return admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic)
          .partitions().size();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
        LOG.warn("the DNS topic {} does not exist: running without the DNS detectors and DnsActivity (create it and restart "
            + "to have them; --no-dns-activity --no-dns-detection silences this)", topic);
        return 0;
      }
      return partitions(config, topic, "DNS"); // says what failed, as for the flows topic
    }
  }

  /** Partitions of an input topic: its partitions' event time travels through repartitions as markers from each. */
  private static int partitions(StreamsAppConfig config, String topic, String what) throws Exception {
    Map<String, Object> client = config.clientProperties();
    try (Admin admin = Admin.create(client)) {
      TopicDescription description = admin.describeTopics(java.util.List.of(topic)).allTopicNames()
          .get(60, TimeUnit.SECONDS).get(topic);
      return description.partitions().size();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot read the partitions of the " + what + " topic " + topic + " at "
          + client.get("bootstrap.servers") + ": " + e.getCause().getMessage()
          + " (create the Flowtel topics first, e.g. with ./flowtel up --servers-only)", e);
    }
  }

  /** Commits, closes the stores and stops the HTTP server; waits at most a minute. */
  @Override
  public void close() {
    LOG.info("flowtel-streams {} shutting down", config.applicationId());
    streams.close(Duration.ofMinutes(1));
    if (server != null) {
      server.close();
    }
    if (peers != null) {
      peers.close();
    }
  }
}
