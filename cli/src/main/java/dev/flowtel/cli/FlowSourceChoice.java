package dev.flowtel.cli;

import dev.flowtel.collector.bpf.BpfSupport;
import dev.flowtel.collector.capture.CaptureSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Which flow source {@code ./flowtel up} runs, and why: what {@code --source} named, or what
 * {@code auto} found on this host. eBPF is chosen by itself only on a host with pod interfaces to
 * watch: on a laptop or a build machine the capture would show little, and the simulator shows
 * every kind of anomaly within minutes.
 */
record FlowSourceChoice(Kind kind, String hubbleFile, List<String> captureArguments, String reason) {

  enum Kind { SYNTHETIC, EBPF, HUBBLE }

  static FlowSourceChoice of(String option) {
    String value = option.trim();
    String lower = value.toLowerCase(Locale.ROOT);
    if (lower.equals("synthetic")) {
      return new FlowSourceChoice(Kind.SYNTHETIC, null, List.of(), "as asked");
    }
    if (lower.startsWith("hubble:") && value.length() > "hubble:".length()) {
      return new FlowSourceChoice(Kind.HUBBLE, value.substring("hubble:".length()), List.of(), "as asked");
    }
    if (lower.equals("ebpf")) {
      String unavailable = BpfSupport.unavailableReason();
      if (unavailable != null) {
        throw new IllegalArgumentException("--source ebpf: " + unavailable + "; use --source synthetic or hubble:<file>");
      }
      return ebpf("as asked");
    }
    if (lower.equals("auto")) {
      String unavailable = BpfSupport.unavailableReason();
      if (unavailable != null) {
        return new FlowSourceChoice(Kind.SYNTHETIC, null, List.of(), "auto: eBPF is not available here (" + unavailable + ")");
      }
      List<String> pods = podInterfaces();
      if (pods.isEmpty()) {
        return new FlowSourceChoice(Kind.SYNTHETIC, null, List.of(),
            "auto: eBPF is permitted but this host has no pod interfaces to watch; --source ebpf captures its uplink");
      }
      return ebpf("auto: eBPF is permitted and this host has pod interfaces (" + String.join(", ", pods.subList(0, Math.min(3, pods.size())))
          + (pods.size() > 3 ? ", ..." : "") + ")");
    }
    throw new IllegalArgumentException("--source " + option + ": expected auto, synthetic, ebpf or hubble:<file>");
  }

  /** Pod veths when the host has them; otherwise the interface of the default route. */
  private static FlowSourceChoice ebpf(String reason) {
    if (!podInterfaces().isEmpty()) {
      return new FlowSourceChoice(Kind.EBPF, null, List.of(), reason);
    }
    String uplink = defaultRouteInterface();
    if (uplink == null) {
      throw new IllegalArgumentException("--source ebpf: this host has neither pod interfaces nor a default route to capture on");
    }
    return new FlowSourceChoice(Kind.EBPF, null, List.of("--uplinks=" + uplink), reason + "; capturing the uplink " + uplink);
  }

  boolean synthetic() {
    return kind == Kind.SYNTHETIC;
  }

  /** The collector's --source value. */
  String collectorSource() {
    return switch (kind) {
      case EBPF -> "ebpf";
      case HUBBLE -> "hubble:" + hubbleFile;
      case SYNTHETIC -> "synthetic";
    };
  }

  String describe() {
    return switch (kind) {
      case SYNTHETIC -> "synthetic (the simulator)";
      case EBPF -> "ebpf (the collector's TC programs on this host)";
      case HUBBLE -> "hubble (" + hubbleFile + ")";
    } + " - " + reason;
  }

  private static List<String> podInterfaces() {
    try (Stream<Path> interfaces = Files.list(Path.of("/sys/class/net"))) {
      return interfaces.map(path -> path.getFileName().toString())
          .filter(name -> CaptureSettings.DEFAULT_POD_INTERFACES.matcher(name).matches())
          .sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The interface of the IPv4 default route, from /proc/net/route (destination 00000000). */
  private static String defaultRouteInterface() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/net/route"))) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length > 2 && fields[1].equals("00000000")) {
          return fields[0];
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }
}
