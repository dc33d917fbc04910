package dev.flowtel.simulator.settings;

import dev.flowtel.simulator.episode.EpisodeSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Every knob of the simulator, its default and its meaning in one place; {@code ./flowtel sim}
 * options carry the same names. Same settings (seed included) give the same records byte for byte.
 *
 * @param seed seeds every random choice: cluster layout, traffic, episodes, jitter (default 42)
 * @param namespaces application namespaces, besides kube-system, ingress-nginx and monitoring (default 4)
 * @param servicesPerNamespace Services per application namespace: web, APIs, postgres, redis,
 *     rabbitmq, more APIs, in that order (default 6; a worker without a Service joins when rabbitmq exists)
 * @param podsPerWorkload replicas of each Deployment and StatefulSet; DaemonSets run one pod per node (default 3)
 * @param nodes nodes, each with a /24 of the pod CIDR 10.244.0.0/16 (default 4, at most 250)
 * @param openNamespaces application namespaces, counted from the last, that have no NetworkPolicy;
 *     the others are default-deny with allow rules for exactly the call graph (default 1)
 * @param extraEdges extra API-to-API calls across namespaces, on top of the fixed pattern (default 3)
 * @param flowsPerSecond mean FlowEvents per second of event time over a day (default 20000); the
 *     daily curve moves the instantaneous rate around it
 * @param duration event time to simulate from {@code start} (default 1h)
 * @param start event time of the first export interval (default 2025-01-06T00:00:00Z)
 * @param timeCompression how many simulated days pass per real day of event time, for the daily
 *     rate curve only: 1 is a real day, 1440 a day per minute (default 1)
 * @param dailyAmplitude how far the daily curve swings around the mean, 0 to 0.95: peak at 14:00
 *     is 1+amplitude times the mean, trough at 02:00 is 1-amplitude (default 0.6)
 * @param exportInterval collector export interval: a connection yields flows per interval it spans (default 5s)
 * @param outOfOrderBound flows are delivered in flowEnd order except that a flow never comes after
 *     one whose flowEnd is this much later (default 2s; 0 delivers in exact flowEnd order)
 * @param episodesPerType anomalies of each type scheduled automatically between 20% and 90% of
 *     the duration (default 1; 0 for clean traffic only)
 * @param episodeDuration length of each automatically scheduled episode (default 1m)
 * @param episodes explicit episodes, added to the automatic ones (default none)
 * @param pacedFlowsPerSecond mean wall-clock delivery rate of SyntheticFlowSource and ./flowtel sim:
 *     each flow is delivered when the wall clock reaches its event time, with event time running
 *     at this over {@code flowsPerSecond} of real time (equal rates: event time is the wall clock;
 *     the daily curve then changes how many flows a second carries, not how fast time passes);
 *     0 is as fast as possible (default 0)
 */
public record SimulatorSettings(
    long seed,
    int namespaces,
    int servicesPerNamespace,
    int podsPerWorkload,
    int nodes,
    int openNamespaces,
    int extraEdges,
    double flowsPerSecond,
    Duration duration,
    Instant start,
    double timeCompression,
    double dailyAmplitude,
    Duration exportInterval,
    Duration outOfOrderBound,
    int episodesPerType,
    Duration episodeDuration,
    List<EpisodeSpec> episodes,
    long pacedFlowsPerSecond) {

  public static final long DEFAULT_SEED = 42;
  public static final int DEFAULT_NAMESPACES = 4;
  public static final int DEFAULT_SERVICES_PER_NAMESPACE = 6;
  public static final int DEFAULT_PODS_PER_WORKLOAD = 3;
  public static final int DEFAULT_NODES = 4;
  public static final int DEFAULT_OPEN_NAMESPACES = 1;
  public static final int DEFAULT_EXTRA_EDGES = 3;
  public static final double DEFAULT_FLOWS_PER_SECOND = 20_000;
  public static final Duration DEFAULT_DURATION = Duration.ofHours(1);
  public static final Instant DEFAULT_START = Instant.parse("2025-01-06T00:00:00Z");
  public static final double DEFAULT_TIME_COMPRESSION = 1;
  public static final double DEFAULT_DAILY_AMPLITUDE = 0.6;
  public static final Duration DEFAULT_EXPORT_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_OUT_OF_ORDER_BOUND = Duration.ofSeconds(2);
  public static final int DEFAULT_EPISODES_PER_TYPE = 1;
  public static final Duration DEFAULT_EPISODE_DURATION = Duration.ofMinutes(1);

  public SimulatorSettings {
    episodes = List.copyOf(episodes == null ? List.of() : episodes);
    require(namespaces >= 1 && namespaces <= 200, "namespaces", namespaces, "1 to 200");
    require(servicesPerNamespace >= 1 && servicesPerNamespace <= 40, "servicesPerNamespace", servicesPerNamespace, "1 to 40");
    require(podsPerWorkload >= 1 && podsPerWorkload <= 100, "podsPerWorkload", podsPerWorkload, "1 to 100");
    require(nodes >= 1 && nodes <= 250, "nodes", nodes, "1 to 250 (each node takes a /24 of 10.244.0.0/16)");
    require(openNamespaces >= 0 && openNamespaces <= namespaces, "openNamespaces", openNamespaces, "0 to namespaces (" + namespaces + ")");
    require(extraEdges >= 0, "extraEdges", extraEdges, "0 or more");
    require(flowsPerSecond > 0, "flowsPerSecond", flowsPerSecond, "positive");
    require(duration != null && !duration.isNegative(), "duration", duration, "zero or positive");
    require(start != null, "start", start, "an instant");
    require(timeCompression > 0, "timeCompression", timeCompression, "positive");
    require(dailyAmplitude >= 0 && dailyAmplitude <= 0.95, "dailyAmplitude", dailyAmplitude, "0 to 0.95");
    require(exportInterval != null && exportInterval.toMillis() >= 100, "exportInterval", exportInterval, "at least 100ms");
    require(outOfOrderBound != null && !outOfOrderBound.isNegative(), "outOfOrderBound", outOfOrderBound, "zero or positive");
    require(episodesPerType >= 0, "episodesPerType", episodesPerType, "0 or more");
    require(episodeDuration != null && episodeDuration.toMillis() > 0, "episodeDuration", episodeDuration, "positive");
    require(pacedFlowsPerSecond >= 0, "pacedFlowsPerSecond", pacedFlowsPerSecond, "0 (unthrottled) or positive");
  }

  private static void require(boolean ok, String name, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException("simulator setting " + name + " = " + value + " is out of range: expected " + expected);
    }
  }

  public static SimulatorSettings defaults() {
    return new SimulatorSettings(DEFAULT_SEED, DEFAULT_NAMESPACES, DEFAULT_SERVICES_PER_NAMESPACE, DEFAULT_PODS_PER_WORKLOAD,
        DEFAULT_NODES, DEFAULT_OPEN_NAMESPACES, DEFAULT_EXTRA_EDGES, DEFAULT_FLOWS_PER_SECOND, DEFAULT_DURATION,
        DEFAULT_START, DEFAULT_TIME_COMPRESSION, DEFAULT_DAILY_AMPLITUDE, DEFAULT_EXPORT_INTERVAL,
        DEFAULT_OUT_OF_ORDER_BOUND, DEFAULT_EPISODES_PER_TYPE, DEFAULT_EPISODE_DURATION, List.of(), 0);
  }

  public SimulatorSettings withSeed(long v) {
    return new SimulatorSettings(v, namespaces, servicesPerNamespace, podsPerWorkload, nodes, openNamespaces, extraEdges, flowsPerSecond, duration, start, timeCompression, dailyAmplitude, exportInterval, outOfOrderBound, episodesPerType, episodeDuration, episodes, pacedFlowsPerSecond);
  }

  public SimulatorSettings withNamespaces(int v) {
    return new SimulatorSettings(seed, v, servicesPerNamespace, podsPerWorkload, nodes, Math.min(openNamespaces, v), extraEdges, flowsPerSecond, duration, start, timeCompression, dailyAmplitude, exportInterval, outOfOrderBound, episodesPerType, episodeDuration, episodes, pacedFlowsPerSecond);
  }

  public SimulatorSettings withServicesPerNamespace(int v) {
    return new SimulatorSettings(seed, namespaces, v, podsPerWorkload, nodes, openNamespaces, extraEdges, flowsPerSecond, duration, start, timeCompression, dailyAmplitude, exportInterval, outOfOrderBound, episodesPerType, episodeDuration, episodes, pacedFlowsPerSecond);
  }

  public SimulatorSettings withPodsPerWorkload(int v) {
    return new SimulatorSettings(seed, namespaces, servicesPerNamespace, v, nodes, openNamespaces, extraEdges, flowsPerSecond, duration, start, timeCompression, dailyAmplitude, exportInterval, outOfOrderBound, episodesPerType, episodeDuration, episodes, pacedFlowsPerSecond);
  }

  public SimulatorSettings withNodes(int v) {
    return new SimulatorSettings(seed, namespaces, servicesPerNamespace, podsPerWorkload, v, openNamespaces, extraEdges, flowsPerSecond, duration, start, timeCompression, dailyAmplitude, exportInterval, outOfOrderBound, episodesPerType, episodeDuration, episodes, pacedFlowsPerSecond);
  }

  public SimulatorSettings withOpenNamespaces(int v) {
    return new SimulatorSettings(seed, namespaces, servicesPerNamespace, podsPerWorkload, nodes, v, extraEdges, flowsPerSecond, duration, start, timeCompression, dailyAmplitude, exportInterval, outOfOrderBound, episodesPerType, episodeDuration, episodes, pacedFlowsPerSecond);
  }

  public SimulatorSettings withExtraEdges(int v) {
    return new SimulatorSettings(seed, namespaces, servicesPerNamespace, podsPerWorkload, nodes, openNamespaces, v, flowsPerSecond, duration, start, timeCompression, dailyAmplitude, exportInterval, outOfOrderBound, episodesPerType, episodeDuration, episodes, pacedFlowsPerSecond);
  }

  public SimulatorSettings withFlowsPerSecond(double v) {
    return new SimulatorSettings(seed, namespaces, servicesPerNamespace, podsPerWorkload, nodes, openNamespaces, extraEdges, v, duration, start, timeCompression, dailyAmplitude, exportInterval, outOfOrderBound, episodesPerType, episodeDuration, episodes, pacedFlowsPerSecond);
  }

  public SimulatorSettings withDuration(Duration v) {
    return new SimulatorSettings(seed, namespaces, servicesPerNamespace, podsPerWorkload, nodes, openNamespaces, extraEdges, flowsPerSecond, v, start, timeCompression, dailyAmplitude, exportInterval, outOfOrderBound, episodesPerType, episodeDuration, episodes, pacedFlowsPerSecond);
  }

  public SimulatorSettings withStart(Instant v) {
    return new SimulatorSettings(seed, namespaces, servicesPerNamespace, podsPerWorkload, nodes, openNamespaces, extraEdges, flowsPerSecond, duration, v, timeCompression, dailyAmplitude, exportInterval, outOfOrderBound, episodesPerType, episodeDuration, episodes, pacedFlowsPerSecond);
  }

  public SimulatorSettings withTimeCompression(double v) {
    return new SimulatorSettings(seed, namespaces, servicesPerNamespace, podsPerWorkload, nodes, openNamespaces, extraEdges, flowsPerSecond, duration, start, v, dailyAmplitude, exportInterval, outOfOrderBound, episodesPerType, episodeDuration, episodes, pacedFlowsPerSecond);
  }

  public SimulatorSettings withDailyAmplitude(double v) {
    return new SimulatorSettings(seed, namespaces, servicesPerNamespace, podsPerWorkload, nodes, openNamespaces, extraEdges, flowsPerSecond, duration, start, timeCompression, v, exportInterval, outOfOrderBound, episodesPerType, episodeDuration, episodes, pacedFlowsPerSecond);
  }

  public SimulatorSettings withExportInterval(Duration v) {
    return new SimulatorSettings(seed, namespaces, servicesPerNamespace, podsPerWorkload, nodes, openNamespaces, extraEdges, flowsPerSecond, duration, start, timeCompression, dailyAmplitude, v, outOfOrderBound, episodesPerType, episodeDuration, episodes, pacedFlowsPerSecond);
  }

  public SimulatorSettings withOutOfOrderBound(Duration v) {
    return new SimulatorSettings(seed, namespaces, servicesPerNamespace, podsPerWorkload, nodes, openNamespaces, extraEdges, flowsPerSecond, duration, start, timeCompression, dailyAmplitude, exportInterval, v, episodesPerType, episodeDuration, episodes, pacedFlowsPerSecond);
  }

  public SimulatorSettings withEpisodesPerType(int v) {
    return new SimulatorSettings(seed, namespaces, servicesPerNamespace, podsPerWorkload, nodes, openNamespaces, extraEdges, flowsPerSecond, duration, start, timeCompression, dailyAmplitude, exportInterval, outOfOrderBound, v, episodeDuration, episodes, pacedFlowsPerSecond);
  }

  public SimulatorSettings withEpisodeDuration(Duration v) {
    return new SimulatorSettings(seed, namespaces, servicesPerNamespace, podsPerWorkload, nodes, openNamespaces, extraEdges, flowsPerSecond, duration, start, timeCompression, dailyAmplitude, exportInterval, outOfOrderBound, episodesPerType, v, episodes, pacedFlowsPerSecond);
  }

  public SimulatorSettings withEpisodes(List<EpisodeSpec> v) {
    return new SimulatorSettings(seed, namespaces, servicesPerNamespace, podsPerWorkload, nodes, openNamespaces, extraEdges, flowsPerSecond, duration, start, timeCompression, dailyAmplitude, exportInterval, outOfOrderBound, episodesPerType, episodeDuration, v, pacedFlowsPerSecond);
  }

  public SimulatorSettings withPacedFlowsPerSecond(long v) {
    return new SimulatorSettings(seed, namespaces, servicesPerNamespace, podsPerWorkload, nodes, openNamespaces, extraEdges, flowsPerSecond, duration, start, timeCompression, dailyAmplitude, exportInterval, outOfOrderBound, episodesPerType, episodeDuration, episodes, v);
  }
}
