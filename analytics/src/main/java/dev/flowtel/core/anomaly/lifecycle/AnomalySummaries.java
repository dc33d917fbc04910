package dev.flowtel.core.anomaly.lifecycle;

import dev.flowtel.core.edge.EdgeEnd;
import java.util.Locale;

/** The one-line human summary of each anomaly type, from the anomaly's accumulated evidence. */
final class AnomalySummaries {

  private AnomalySummaries() {}

  static String summarize(AnomalyEpisode e) {
    String from = e.source == null ? "?" : name(e.source);
    String to = e.destination == null ? "?" : name(e.destination) + (e.destinationPort == null ? "" : ":" + e.destinationPort);
    return switch (e.type) {
      case POLICY_VIOLATION -> String.format(Locale.ROOT,
          "%s reached %s although the NetworkPolicies deny it: %d forwarded flows, %s (enforcement gap)", from, to,
          e.count("flows"), bytes(e.count("bytes")));
      case DENIED_SPIKE -> String.format(Locale.ROOT,
          "%s -> %s: %d dropped connection attempts, peak %d in one window against a baseline of %.1f", from, to,
          e.count("droppedFlows"), e.count("peakDroppedFlows"), e.measurements.getOrDefault("baselineDroppedFlows", 0.0));
      case NEW_EDGE -> String.format(Locale.ROOT,
          "new edge %s -> %s, never seen while learning: %d connections so far", from, to, e.count("connections"));
      case VOLUME_ANOMALY -> String.format(Locale.ROOT,
          "%s -> %s moved %s in one window, %.0fx its moving mean of %s (z = %.1f)", from, to,
          bytes(e.count("peakBytes")), e.measurements.getOrDefault("ratio", 0.0),
          bytes(Math.round(e.measurements.getOrDefault("baselineBytes", 0.0))), e.measurements.getOrDefault("zScore", 0.0));
      case PORT_SCAN -> String.format(Locale.ROOT,
          "port scan: %s (%s) probed %d ports of %s in one window, %.0f%% failed", from, key(e, 0), e.count("distinctPorts"),
          key(e, 1), 100 * e.measurements.getOrDefault("failedShare", 0.0));
      case IP_SWEEP -> String.format(Locale.ROOT,
          "IP sweep: %s (%s) probed port %s on %d addresses in one window, %.0f%% failed", from, key(e, 0),
          e.destinationPort, e.count("distinctHosts"), 100 * e.measurements.getOrDefault("failedShare", 0.0));
      case EXTERNAL_EGRESS -> String.format(Locale.ROOT,
          "%s reached external address %s, never used while learning: %d connections, %s sent", from, externalTarget(e),
          e.count("connections"), bytes(e.count("bytesSent")));
      case NXDOMAIN_SPIKE -> String.format(Locale.ROOT,
          "NXDOMAIN spike: %s got %d answers \"no such name\" for %d distinct names in one window, against a baseline of"
              + " %.1f (generated domains?); %s", from, e.count("peakNxdomainAnswers"), e.count("peakDistinctNames"),
          e.measurements.getOrDefault("baselineNxdomainAnswers", 0.0), e.explanation);
      case DNS_TUNNEL -> String.format(Locale.ROOT,
          "likely DNS tunnel: %s asked %d distinct encoded-looking names under %s in one window (%.0f characters,"
              + " %.1f bits each on average); %s", from, e.count("peakEncodedNames"), key(e, 1),
          e.measurements.getOrDefault("meanLetters", 0.0), e.measurements.getOrDefault("meanEntropy", 0.0), e.explanation);
      default -> e.type + " " + e.key;
    };
  }

  /** The address, with the name the node saw it resolved from when the detector's explanation has one ("reached NAME (ADDRESS)"). */
  private static String externalTarget(AnomalyEpisode e) {
    String address = key(e, 1);
    String prefix = "reached ";
    if (e.explanation != null && e.explanation.startsWith(prefix) && e.explanation.endsWith(" (" + address + ")")) {
      return e.explanation.substring(prefix.length());
    }
    return address;
  }

  private static String name(EdgeEnd end) {
    return end.namespace() == null ? end.kind() + "/" + end.name() : end.namespace() + "/" + end.name();
  }

  /** Part {@code index} of a key written {@code a>b}. */
  private static String key(AnomalyEpisode e, int index) {
    String[] parts = e.key.split(">", 2);
    return index < parts.length ? parts[index] : e.key;
  }

  static String bytes(long n) {
    if (n >= 1_000_000_000) {
      return String.format(Locale.ROOT, "%.1f GB", n / 1e9);
    }
    if (n >= 1_000_000) {
      return String.format(Locale.ROOT, "%.1f MB", n / 1e6);
    }
    if (n >= 1_000) {
      return String.format(Locale.ROOT, "%.1f kB", n / 1e3);
    }
    return n + " B";
  }
}
