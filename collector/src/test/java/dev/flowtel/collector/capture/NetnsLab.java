package dev.flowtel.collector.capture;

import dev.flowtel.collector.bpf.NetworkNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Network namespaces and veths made with {@code ip} for one test, under names unique to it, and
 * removed by {@link #close()} (deleting a namespace deletes its veth ends too). Code runs inside a
 * namespace on a fresh platform thread that entered it with setns.
 */
final class NetnsLab implements AutoCloseable {

  final String id = Integer.toString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF), 36);
  private final List<String> namespaces = new ArrayList<>();

  /** Creates namespace {@code "ft" + suffix + id}, with lo up; returns its name. */
  String namespace(String suffix) {
    String name = "ft" + suffix + id;
    ip("netns", "add", name);
    namespaces.add(name);
    ip("-n", name, "link", "set", "lo", "up");
    return name;
  }

  /** A veth pair: {@code left} in namespace {@code a}, {@code right} in {@code b}, both up. */
  void veth(String a, String left, String b, String right) {
    ip("link", "add", left, "netns", a, "type", "veth", "peer", "name", right, "netns", b);
    ip("-n", a, "link", "set", left, "up");
    ip("-n", b, "link", "set", right, "up");
  }

  void address(String ns, String ifname, String cidr) {
    if (cidr.contains(":")) {
      ip("-n", ns, "addr", "add", cidr, "dev", ifname, "nodad");
    } else {
      ip("-n", ns, "addr", "add", cidr, "dev", ifname);
    }
  }

  static Path path(String ns) {
    return Path.of("/var/run/netns", ns);
  }

  /**
   * The capture as tests run it: node "it-node", attaching in namespace {@code ns} to interface {@code ifname} only,
   * with export timeouts short enough for a test (active 5 s, idle 500 ms, drains every 200 ms).
   */
  static CaptureSettings captureOn(String ns, String ifname) {
    return CaptureSettings.defaults("it-node").withNamespace(path(ns)).withPodInterfaces(Pattern.compile(Pattern.quote(ifname)))
        .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofMillis(200));
  }

  /** Runs {@code task} on a new platform thread inside namespace {@code ns}. */
  static <T> T inside(String ns, Callable<T> task) throws Exception {
    FutureTask<T> future = new FutureTask<>(() -> {
      NetworkNamespace.enter(path(ns));
      return task.call();
    });
    Thread.ofPlatform().name("in-" + ns).start(future);
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }

  /** Starts {@code task} on a new platform thread inside {@code ns}; get() the result later. */
  static <T> FutureTask<T> start(String ns, Callable<T> task) {
    FutureTask<T> future = new FutureTask<>(() -> {
      NetworkNamespace.enter(path(ns));
      return task.call();
    });
    Thread.ofPlatform().name("in-" + ns).daemon(true).start(future);
    return future;
  }

  /** The "Tcp:" counters of /proc/net/snmp in {@code ns} (OutSegs, InSegs, ...). */
  static Map<String, Long> tcpCounters(String ns) {
    return counters(ns, "Tcp");
  }

  /** The counters of {@code protocol}'s lines of /proc/net/snmp in {@code ns} ("Tcp", "Udp", "Icmp": InEchoReps, ...). */
  static Map<String, Long> counters(String ns, String protocol) {
    String snmp = run("ip", "netns", "exec", ns, "cat", "/proc/net/snmp");
    List<String> lines = snmp.lines().filter(l -> l.startsWith(protocol + ":")).toList();
    String[] names = lines.get(0).split("\\s+");
    String[] values = lines.get(1).split("\\s+");
    Map<String, Long> counters = new HashMap<>();
    for (int i = 1; i < names.length; i++) {
      counters.put(names[i], Long.parseLong(values[i]));
    }
    return counters;
  }

  /** One counter of /proc/net/snmp6 in {@code ns} (Icmp6InEchoReplies, Udp6NoPorts, ...). */
  static long ipv6Counter(String ns, String name) {
    String snmp6 = run("ip", "netns", "exec", ns, "cat", "/proc/net/snmp6");
    return snmp6.lines().map(l -> l.split("\\s+")).filter(f -> f[0].equals(name)).mapToLong(f -> Long.parseLong(f[1]))
        .findFirst().orElseThrow(() -> new IllegalStateException("no " + name + " in /proc/net/snmp6 of " + ns));
  }

  /**
   * True when every TCP connection on {@code port} (local or remote) in {@code ns} has finished
   * exchanging segments: it is gone, or in TIME_WAIT, the state its side enters after sending the
   * last ACK. A side still in LAST_ACK has not received that ACK yet. Listeners are not connections.
   */
  static boolean tcpConnectionsDone(String ns, int port) {
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : run("ip", "netns", "exec", ns, "cat", table).lines().skip(1).toList()) {
        String[] f = line.trim().split("\\s+");
        int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
        int remote = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
        String state = f[3];
        if ((local == port || remote == port) && !state.equals("06") && !state.equals("0A")) {
          return false; // 06 TIME_WAIT, 0A LISTEN
        }
      }
    }
    return true;
  }

  static void ip(String... args) {
    String[] command = new String[args.length + 1];
    command[0] = "ip";
    System.arraycopy(args, 0, command, 1, args.length);
    run(command);
  }

  static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip());
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (String ns : namespaces) {
      try {
        ip("netns", "del", ns);
      } catch (RuntimeException e) {
        System.err.println("could not remove test namespace " + ns + ": " + e.getMessage());
      }
    }
    namespaces.clear();
  }
}
