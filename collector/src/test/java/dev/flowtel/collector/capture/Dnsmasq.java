package dev.flowtel.collector.capture;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * dnsmasq answering for the zone {@code flowtel.test} from host records only (no upstream, no /etc/hosts, no
 * config file), listening on the given addresses of a {@link NetnsLab} namespace. {@link #start} returns once it
 * listens on UDP port 53; {@link #close} stops it.
 */
final class Dnsmasq implements AutoCloseable {

  private static final Duration READY = Duration.ofSeconds(60);

  private final Process process;

  private Dnsmasq(Process process) {
    this.process = process;
  }

  /**
   * Starts dnsmasq in {@code ns} on {@code listenAddresses} (IPv4 or IPv6), serving each of {@code hostRecords}
   * ({@code name,address[,address...][,ttl]}, as dnsmasq's {@code --host-record} takes it), with dnsmasq's
   * {@code options} added as they are.
   */
  static Dnsmasq start(String ns, List<String> listenAddresses, List<String> hostRecords, String... options) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns, "dnsmasq", "--no-daemon", "--no-resolv",
        "--no-hosts", "--conf-file=/dev/null", "--pid-file=", "--bind-interfaces", "--local=/flowtel.test/"));
    listenAddresses.forEach(a -> command.add("--listen-address=" + a));
    hostRecords.forEach(r -> command.add("--host-record=" + r));
    command.addAll(List.of(options));
    Dnsmasq dnsmasq = new Dnsmasq(new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    boolean ipv6 = listenAddresses.stream().anyMatch(a -> a.contains(":"));
    try {
      await().atMost(READY).until(() -> !dnsmasq.process.isAlive() || listening(ns, "/proc/net/udp")
          && (!ipv6 || listening(ns, "/proc/net/udp6")));
      if (!dnsmasq.process.isAlive()) {
        throw new IllegalStateException("dnsmasq in " + ns + " exited with " + dnsmasq.process.exitValue() + ": " + command);
      }
    } catch (RuntimeException e) {
      dnsmasq.close();
      throw e;
    }
    return dnsmasq;
  }

  /** True when {@code tool} is installed in one of the usual directories (tests skip without it). */
  static boolean onPath(String tool) {
    for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin", "/usr/local/sbin")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static boolean listening(String ns, String table) {
    return NetnsLab.run("ip", "netns", "exec", ns, "cat", table).contains(":0035 ");
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
