package dev.flowtel.simulator.dns;

import dev.flowtel.core.dns.DnsDetectionConfig;

/** Prints the detectors' score on a seed range: {@code DnsTuningRun first last [nodeDomain|-] [ignoredDomains,...] [spikeFactor]}. Not a test: for looking at defaults. */
public final class DnsTuningRun {

  private DnsTuningRun() {}

  public static void main(String[] args) {
    long t0 = System.nanoTime();
    String nodeDomain = args.length > 2 && !args[2].equals("-") ? args[2] : null;
    DnsDetectionConfig d = DnsDetectionConfig.defaults();
    java.util.List<String> ignored = args.length > 3 ? java.util.List.of(args[3].split(",")) : d.tunnelIgnoredDomains();
    double factor = args.length > 4 ? Double.parseDouble(args[4]) : d.nxdomainSpikeFactor();
    DnsDetectionConfig config = new DnsDetectionConfig(d.window(), d.clusterDomain(), d.nxdomainMinAnswers(),
        d.nxdomainMinNames(), factor, d.nxdomainEwmaAlpha(), d.tunnelMinNames(), d.tunnelMinLetters(),
        d.tunnelMinEntropy(), ignored);
    DnsDetectionOnSimulatorTest.score(Long.parseLong(args[0]), Long.parseLong(args[1]), nodeDomain, config);
    System.out.printf("%.1f s%n", (System.nanoTime() - t0) / 1e9);
  }
}
