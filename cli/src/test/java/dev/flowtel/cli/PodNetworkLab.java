package dev.flowtel.cli;

import dev.flowtel.collector.bpf.NetworkNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A node's pod network in miniature, made with {@code ip} for one test: each host is a network
 * namespace whose {@code eth0} is a veth whose host side is named like Calico's ({@code cali...}),
 * so the collector's default pod-interface pattern picks it up, and every host side is a port of one
 * Linux bridge in the root namespace (the bridge has no address: nothing leaves the lab). IPv6 is
 * off on every lab interface so that neighbour discovery adds no flows the test did not make.
 * {@link #close()} deletes the namespaces (and with them the veths) and the bridge.
 */
final class PodNetworkLab implements AutoCloseable {

  private final String id = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36, 36 * 36 * 36 * 36), 36);
  private final int subnet = ThreadLocalRandom.current().nextInt(1, 250);
  private final String bridge = "ftbr" + id;
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private final List<String> namespaces = new ArrayList<>();
  private boolean bridgeMade;

  /** One pod: its namespace, the host-side veth the collector watches and its IPv4 address. */
  record Host(String namespace, String hostInterface, String address) {

    Path namespacePath() {
      return Path.of("/var/run/netns", namespace);
    }
  }

  PodNetworkLab() {
    ip("link", "add", bridge, "type", "bridge");
    bridgeMade = true;
    sysctl(null, "net/ipv6/conf/" + bridge + "/disable_ipv6");
    ip("link", "set", bridge, "up");
  }

  /** Adds a host named {@code name} (one letter or two: interface names have 15 characters at most). */
  Host host(String name) {
    String namespace = "ft" + name + id;
    String hostSide = "cali" + id + name;
    String address = "10.213." + subnet + "." + (hosts.size() + 10);
    ip("netns", "add", namespace);
    namespaces.add(namespace);
    sysctl(namespace, "net/ipv6/conf/all/disable_ipv6");
    sysctl(namespace, "net/ipv6/conf/default/disable_ipv6");
    ip("-n", namespace, "link", "set", "lo", "up");
    ip("link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", namespace);
    sysctl(null, "net/ipv6/conf/" + hostSide + "/disable_ipv6");
    ip("link", "set", hostSide, "master", bridge);
    ip("link", "set", hostSide, "up");
    ip("-n", namespace, "addr", "add", address + "/24", "dev", "eth0");
    ip("-n", namespace, "link", "set", "eth0", "up");
    Host host = new Host(namespace, hostSide, address);
    hosts.put(name, host);
    return host;
  }

  /** Starts {@code task} on a new platform thread that first enters {@code host}'s namespace. */
  static Thread inside(Host host, String threadName, Runnable task) {
    return Thread.ofPlatform().name(threadName).daemon().start(() -> {
      NetworkNamespace.enter(host.namespacePath());
      task.run();
    });
  }

  /** Runs {@code command} in {@code host}'s namespace ({@code ip netns exec}) and returns what it printed. */
  static Process exec(Host host, Path output, String... command) throws IOException {
    List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace()));
    line.addAll(List.of(command));
    return new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(output.toFile()).start();
  }

  @Override
  public void close() {
    // A namespace outlives `ip netns delete` while a socket or thread still holds it, and with it
    // the veth: delete the host sides first (a veth's peer goes with it), so no cali* interface is
    // left for the next test's collector to find.
    for (Host host : hosts.values()) {
      runQuietly("ip", "link", "delete", host.hostInterface());
    }
    for (String namespace : namespaces) {
      runQuietly("ip", "netns", "delete", namespace);
    }
    if (bridgeMade) {
      runQuietly("ip", "link", "delete", bridge);
    }
  }

  /** Writes 1 to a sysctl file, in {@code namespace} when given (sysctls under net/ are per namespace). */
  private static void sysctl(String namespace, String key) {
    if (namespace == null) {
      try {
        Files.writeString(Path.of("/proc/sys", key), "1");
      } catch (IOException e) {
        throw new IllegalStateException("cannot set " + key + ": " + e.getMessage(), e);
      }
    } else {
      run("ip", "netns", "exec", namespace, "sh", "-c", "echo 1 > /proc/sys/" + key);
    }
  }

  private static void ip(String... args) {
    String[] command = new String[args.length + 1];
    command[0] = "ip";
    System.arraycopy(args, 0, command, 1, args.length);
    run(command);
  }

  private static void run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip());
      }
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  private static void runQuietly(String... command) {
    try {
      run(command);
    } catch (IllegalStateException ignored) {
      // Cleaning up: what is already gone stays gone.
    }
  }
}
