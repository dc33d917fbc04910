package dev.flowtel.cli;

import dev.flowtel.core.config.Durations;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.dns.DnsEpisodeSpec;
import dev.flowtel.simulator.dns.DnsEpisodeType;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.simulator.episode.EpisodeSpec;
import dev.flowtel.simulator.episode.EpisodeType;
import dev.flowtel.simulator.settings.SimulatorSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo {@code ./flowtel up} stages with the synthetic source: the simulated cluster paced so
 * its event time is the wall clock, one anomaly episode every 40 s once the detectors have learnt
 * for {@code episodesAfter}, and the few detector settings that differ from production so that
 * every anomaly type can show within minutes instead of hours. Both engines get the same settings.
 *
 * @param flowsPerSecond mean flows per second, of event time and of the wall clock alike
 * @param seed the simulated cluster's seed
 * @param episodesAfter when the first episode starts; the detectors learn until then
 * @param staged the episode types, in the order they are staged ({@link #ORDER} by default)
 * @param dnsStaged the DNS episode types ({@link #DNS_ORDER} by default), staged beside the others from
 *     {@code episodesAfter} on, one every {@link #DNS_EPISODE_SPACING}
 */
record LocalDemo(double flowsPerSecond, long seed, Duration episodesAfter, List<EpisodeType> staged,
    List<DnsEpisodeType> dnsStaged) {

  LocalDemo {
    staged = List.copyOf(staged);
    dnsStaged = List.copyOf(dnsStaged);
    if (staged.contains(EpisodeType.POLICY_CHANGE)) {
      throw new IllegalArgumentException("POLICY_CHANGE is not an episode the demo stages: it causes no anomaly of its own");
    }
  }

  LocalDemo(double flowsPerSecond, long seed, Duration episodesAfter) {
    this(flowsPerSecond, seed, episodesAfter, ORDER, DNS_ORDER);
  }

  /** One episode starts this long after the one before it, as the README promises. */
  static final Duration EPISODE_SPACING = Duration.ofSeconds(40);

  /** Each episode lasts this long, so one ends before the next begins. */
  static final Duration EPISODE_LENGTH = Duration.ofSeconds(30);

  /** The episodes in the order they are staged; each one causes its own anomaly type. */
  static final List<EpisodeType> ORDER = List.of(EpisodeType.PORT_SCAN, EpisodeType.NEW_EDGE,
      EpisodeType.EXTERNAL_EGRESS, EpisodeType.DENIED_SPIKE, EpisodeType.VOLUME_BURST, EpisodeType.IP_SWEEP,
      EpisodeType.POLICY_VIOLATION);

  /** The DNS episodes staged by default: each causes its own anomaly type. */
  static final List<DnsEpisodeType> DNS_ORDER = List.of(DnsEpisodeType.NXDOMAIN_SPIKE, DnsEpisodeType.DNS_TUNNEL);

  /**
   * A DNS episode lasts this long: the DNS detectors count per minute of event time, so an episode
   * must fill at least one whole minute whatever second it starts on.
   */
  static final Duration DNS_EPISODE_LENGTH = Duration.ofMinutes(2);

  /** One DNS episode starts this long after the one before it, so one ends before the next begins. */
  static final Duration DNS_EPISODE_SPACING = Duration.ofMinutes(2).plusSeconds(20);

  /**
   * The DNS episodes, the first at {@code episodesAfter}, then one every {@link #DNS_EPISODE_SPACING}.
   * They run beside the flow episodes rather than after them: they touch other records (DNS
   * transactions, not flows) and other detectors, and seven flow episodes would otherwise keep
   * them back almost five minutes.
   */
  List<DnsEpisodeSpec> dnsEpisodes() {
    List<DnsEpisodeSpec> episodes = new ArrayList<>();
    for (int i = 0; i < dnsStaged.size(); i++) {
      episodes.add(new DnsEpisodeSpec(dnsStaged.get(i), episodesAfter.plus(DNS_EPISODE_SPACING.multipliedBy(i)),
          DNS_EPISODE_LENGTH, null));
    }
    return episodes;
  }

  /** The episodes, the first at {@code episodesAfter}, then one every {@link #EPISODE_SPACING}. */
  List<EpisodeSpec> episodes() {
    List<EpisodeSpec> episodes = new ArrayList<>();
    for (int i = 0; i < staged.size(); i++) {
      episodes.add(new EpisodeSpec(staged.get(i), episodesAfter.plus(EPISODE_SPACING.multipliedBy(i)), EPISODE_LENGTH, null));
    }
    return episodes;
  }

  /**
   * The simulation from {@code start} (the wall clock when it begins): paced at its own mean rate,
   * so one second of event time takes one second, and open-ended (a week), stopped by {@code up}.
   */
  SimulatorSettings simulation(Instant start) {
    return SimulatorSettings.defaults()
        .withSeed(seed)
        .withStart(start)
        .withDuration(Duration.ofDays(7))
        .withFlowsPerSecond(flowsPerSecond)
        .withPacedFlowsPerSecond(Math.round(flowsPerSecond))
        .withEpisodesPerType(0)
        .withEpisodes(episodes());
  }

  /**
   * How long before the simulation's start its NetworkPolicies are stamped as observed. The
   * detectors judge a dropped attempt as a policy change's effect (no DENIED_SPIKE) when the
   * policies in force within {@code --policy-change-grace} (10 min) allowed it, and before the
   * first cluster-state record nothing was known, which counts as allowing everything: stamped at
   * the start, the policies would mute DENIED_SPIKE for the demo's first ten minutes. The simulated
   * cluster has had its policies for a while when the demo begins; this says so.
   */
  static final Duration POLICIES_IN_FORCE_BEFORE = Duration.ofHours(1);

  /**
   * An edge's bytes per minute need this many minutes of history before VOLUME_ANOMALY judges them
   * (production: 10). The volume burst comes 4 min 40 s into the run, so the demo asks for 3.
   */
  static final int VOLUME_MIN_HISTORY = 3;

  /** The simulation's Namespaces and NetworkPolicies, as observed {@link #POLICIES_IN_FORCE_BEFORE} its start. */
  static List<ClusterStateRecord> initialClusterState(ClusterSimulator simulator) {
    return simulator.policies().snapshot(simulator.settings().start().minus(POLICIES_IN_FORCE_BEFORE));
  }

  /**
   * The detector options the demo's engine runs with, beyond their defaults: learning ends when the
   * episodes begin, so NEW_EDGE and EXTERNAL_EGRESS have a baseline by then, and volume history is
   * short enough for the burst.
   */
  List<String> detectionArguments() {
    return List.of("--learning-period", Durations.format(episodesAfter), "--volume-min-history", "" + VOLUME_MIN_HISTORY);
  }

  /** For the status line: what the demo injects and which detector settings are the demo's own. */
  String describe() {
    String dns = dnsStaged.isEmpty() ? "" : String.format(" DNS episodes %s, one every %s from %s on;",
        dnsStaged.stream().map(Enum::name).collect(java.util.stream.Collectors.joining(", ")),
        Durations.format(DNS_EPISODE_SPACING), Durations.format(episodesAfter));
    return String.format("starting the simulated cluster: %,.0f flows/s, one anomaly episode every %s from %s on;%s"
        + " demo detector settings: %s", flowsPerSecond, Durations.format(EPISODE_SPACING), Durations.format(episodesAfter),
        dns, String.join(" ", detectionArguments()));
  }
}
