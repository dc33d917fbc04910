package dev.flowtel.collector.bench;

import dev.flowtel.collector.bpf.BpfObject;
import dev.flowtel.collector.bpf.BpfSupport;
import dev.flowtel.collector.bpf.Frames;
import dev.flowtel.collector.bpf.NetworkNamespace;
import dev.flowtel.collector.bpf.ReturnProgram;
import dev.flowtel.collector.bpf.ProgramStats;
import dev.flowtel.collector.bpf.ProgramTestRun;
import dev.flowtel.collector.bpf.TcHook;
import dev.flowtel.collector.capture.CaptureProgram;
import dev.flowtel.collector.capture.CaptureSettings;
import dev.flowtel.collector.capture.KernelFlow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Benchmark of the capture (not a test; prints figures, asserts nothing):
 * <ol>
 *   <li>veth TCP throughput between two namespaces (a Java sender and receiver, no iperf3) without
 *       and with the TC programs on the receiver's veth, both hooks; rounds alternate, medians and
 *       their ratio are printed. {@code -Dvariants=none,full,pass,full-ingress,full-egress,baseline}
 *       adds the two-instruction program (the hook's own cost), one hook at a time, an older
 *       object given by {@code -Dbaseline=<path>}, and {@code nocache}: this program without its
 *       per-CPU flow cache (every packet takes the flow-table path), and {@code nodns}: this program with DNS
 *       off (dns.h not run: what non-DNS packets paid before DNS); {@code -Dattach=clsact} uses clsact, not TCX;
 *       {@code -Drole=pod|uplink|any} is the veth's role for the count-once rule (pod by default);</li>
 *   <li>the TC program's mean cost per packet, from BPF_PROG_TEST_RUN repeated in the kernel (and
 *       that of the two-instruction program: the test run's own floor);</li>
 *   <li>drain rate: entries/s of flip + lookup_and_delete_batch, raw, and of flipAndDrain (decoding,
 *       merging per key, collecting the flow cache's old half), as the evictor drains.</li>
 * </ol>
 * {@code -Dparts=cost,drain,throughput} picks the parts; {@code insitu} adds, after the throughput
 * rounds, one stream per variant with the kernel's run-time accounting on: ns per program run on the
 * live path. Run as root: see docs/benchmarks.md for the command.
 */
public final class CaptureBenchmark {

  private static final int ROUNDS = Integer.getInteger("rounds", 5);
  private static final int SECONDS = Integer.getInteger("seconds", 5);
  /** Which attachments the throughput part alternates: none, full, full-ingress, full-egress, pass. */
  private static final List<String> VARIANTS = List.of(System.getProperty("variants", "none,full").split(","));
  /** Which parts to run: cost, mix, drain, throughput (insitu adds to throughput). */
  private static final List<String> PARTS = List.of(System.getProperty("parts", "cost,drain,throughput").split(","));
  /** tcx (the collector's choice where the kernel has it) or clsact. */
  private static final String ATTACH = System.getProperty("attach", "tcx");
  /**
   * The receiver's veth plays the host side of the sending pod's veth (pod, as the collector
   * attaches it: the count-once rule learns and consults pod addresses), the uplink, or has no
   * role (any: every packet counted, no pod address lookups).
   */
  private static final CaptureProgram.InterfaceRole ROLE = switch (System.getProperty("role", "pod")) {
    case "pod" -> CaptureProgram.InterfaceRole.POD_VETH;
    case "uplink" -> CaptureProgram.InterfaceRole.UPLINK;
    case "any" -> CaptureProgram.InterfaceRole.ANY;
    default -> throw new IllegalArgumentException("-Drole is pod, uplink or any");
  };

  private static final int LOOPBACK = 1;

  public static void main(String[] args) throws Exception {
    String reason = BpfSupport.unavailableReason();
    if (reason != null) {
      System.err.println("cannot benchmark: " + reason);
      System.exit(2);
    }
    // The test-run parts on one CPU: the flow cache is per CPU, and a slot filled by one run must be the one the next run meets.
    if (PARTS.contains("cost")) {
      ThreadAffinity.runOnCpu(0, CaptureBenchmark::programCost);
    }
    if (PARTS.contains("mix")) {
      ThreadAffinity.runOnCpu(0, CaptureBenchmark::flowMix);
    }
    if (PARTS.contains("drain")) {
      drainRate();
    }
    if (PARTS.contains("throughput")) {
      throughput();
    }
  }

  private static void programCost() {
    try (CaptureProgram program = CaptureProgram.load(CaptureSettings.defaults("bench"))) {
      assignRole(LOOPBACK, program, null); // test runs see the loopback device
      byte[] tcp = Frames.ip("10.0.0.1", "10.0.0.2").tcp(40000, 80, 0x10, 12).payload(1448).build();
      byte[] tcp6 = Frames.ip("fd00::1", "fd00::2").tcp(40000, 80, 0x10, 12).payload(1428).build();
      ProgramTestRun.meanNanos(program.ingressProgramFd(), tcp, 100_000); // warm up
      System.out.printf("program cost per packet (BPF_PROG_TEST_RUN, 1M runs, existing flow, role " + ROLE + "): IPv4 TCP %d ns, IPv6 TCP %d ns%n",
          ProgramTestRun.meanNanos(program.ingressProgramFd(), tcp, 1_000_000),
          ProgramTestRun.meanNanos(program.ingressProgramFd(), tcp6, 1_000_000));
      byte[] ack = Frames.ip("10.0.0.2", "10.0.0.1").tcp(80, 40000, 0x10, 12).build();
      ProgramTestRun.meanNanos(program.egressProgramFd(), ack, 100_000);
      System.out.printf("program cost per packet, egress, bare IPv4 TCP ACK: %d ns%n", ProgramTestRun.meanNanos(program.egressProgramFd(), ack, 1_000_000));
    }
    byte[] tcp = Frames.ip("10.0.0.1", "10.0.0.2").tcp(40000, 80, 0x10, 12).payload(1448).build();
    try (CaptureProgram noCache = CaptureProgram.load(CaptureSettings.defaults("bench").withFlowCacheSlots(0))) {
      assignRole(LOOPBACK, noCache, null);
      ProgramTestRun.meanNanos(noCache.ingressProgramFd(), tcp, 100_000);
      System.out.printf("the same without the per-CPU flow cache (nocache): IPv4 TCP %d ns%n",
          ProgramTestRun.meanNanos(noCache.ingressProgramFd(), tcp, 1_000_000));
    }
    // The cache's worst case: a flow whose slot another flow holds pays the cache's hash and
    // compare on top of the table path. One slot, taken by the first flow, shows that cost.
    try (CaptureProgram oneSlot = CaptureProgram.load(CaptureSettings.defaults("bench").withFlowCacheSlots(1))) {
      assignRole(LOOPBACK, oneSlot, null);
      ProgramTestRun.meanNanos(oneSlot.ingressProgramFd(), tcp, 10);
      byte[] other = Frames.ip("10.0.0.3", "10.0.0.4").tcp(40001, 80, 0x10, 12).payload(1448).build();
      ProgramTestRun.meanNanos(oneSlot.ingressProgramFd(), other, 100_000);
      System.out.printf("a flow whose cache slot another flow holds (the miss path): IPv4 TCP %d ns%n",
          ProgramTestRun.meanNanos(oneSlot.ingressProgramFd(), other, 1_000_000));
    }
    // DNS on (the default) and off: what a non-DNS packet pays for the port compare, and what a DNS query costs.
    byte[] query = dnsQuery();
    for (boolean dns : new boolean[] {true, false}) {
      try (CaptureProgram p = CaptureProgram.load(CaptureSettings.defaults("bench")
          .withDns(dns, CaptureSettings.DEFAULT_DNS_PORTS, CaptureSettings.DEFAULT_DNS_TIMEOUT))) {
        assignRole(LOOPBACK, p, null);
        ProgramTestRun.meanNanos(p.ingressProgramFd(), tcp, 100_000);
        long tcpNanos = ProgramTestRun.meanNanos(p.ingressProgramFd(), tcp, 1_000_000);
        ProgramTestRun.meanNanos(p.egressProgramFd(), query, 100_000);
        System.out.printf("DNS %s: IPv4 TCP (not DNS) %d ns; a UDP DNS query (read, then a resent query's lookup) %d ns%n",
            dns ? "on " : "off", tcpNanos, ProgramTestRun.meanNanos(p.egressProgramFd(), query, 1_000_000));
      }
    }
    try (BpfObject baseline = loadBaseline()) {
      if (baseline != null) {
        assignRole(LOOPBACK, null, baseline);
        int fd = baseline.programFd("flowtel_ingress");
        ProgramTestRun.meanNanos(fd, tcp, 100_000);
        System.out.printf("baseline program (%s), same measurement: IPv4 TCP %d ns%n", System.getProperty("baseline"), ProgramTestRun.meanNanos(fd, tcp, 1_000_000));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (ReturnProgram pass = ReturnProgram.pass()) {
      ProgramTestRun.meanNanos(pass.fd(), tcp, 100_000);
      System.out.printf("two-instruction pass program, same measurement (the test run's own floor): %d ns%n",
          ProgramTestRun.meanNanos(pass.fd(), tcp, 1_000_000));
    }
  }

  /**
   * The flow cache with many flows on one CPU, where slots run out: each packet of a mix of N flows
   * runs once (BPF_PROG_TEST_RUN measures the program alone, the same timer overhead in every
   * variant), within one drain period, with and without the cache. Uniform: round robin over the
   * flows, every flow the same packet count (the cache's worst case). Skewed: a tenth of the flows
   * carry 90% of the packets, closer to real traffic. The hit share is the packets counted in slots.
   */
  private static void flowMix() {
    int packets = 200_000;
    System.out.printf("flow mix on one CPU, %d packets within one drain period, %d cache slots (ns per packet, mean of single runs; share counted in slots):%n",
        packets, CaptureSettings.DEFAULT_FLOW_CACHE_SLOTS);
    for (int flows : new int[] {64, 512, 2048, 8192}) {
      List<byte[]> frames = new ArrayList<>();
      for (int i = 0; i < flows; i++) {
        frames.add(Frames.ip("10.1." + (i / 256) + "." + (i % 256), "10.2.0.1").tcp(30000 + i % 30000, 443, 0x10, 12).payload(100).build());
      }
      for (String distribution : List.of("uniform", "skewed")) {
        int[] order = new int[packets];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int heavy = Math.max(1, flows / 10);
        for (int i = 0; i < packets; i++) {
          order[i] = distribution.equals("uniform") ? i % flows
              : random.nextInt(10) < 9 ? random.nextInt(heavy) : heavy + random.nextInt(Math.max(1, flows - heavy));
        }
        // Each variant twice, in the order A B B A, so neither always runs first.
        long[] nanos = new long[2];
        double inSlots = 0;
        for (int run = 0; run < 4; run++) {
          int variant = run == 1 || run == 2 ? 1 : 0;
          int slots = variant == 0 ? 0 : CaptureSettings.DEFAULT_FLOW_CACHE_SLOTS;
          try (CaptureProgram program = CaptureProgram.load(CaptureSettings.defaults("bench").withFlowCacheSlots(slots))) {
            assignRole(LOOPBACK, program, null);
            for (int i = 0; i < packets; i++) {
              nanos[variant] += ProgramTestRun.meanNanos(program.ingressProgramFd(), frames.get(order[i]), 1);
            }
            program.flipAndDrain(4096, flow -> {});
            inSlots += program.cachePackets();
          }
        }
        System.out.printf("  %5d flows, %-7s | nocache %3d ns | cache %3d ns, %4.1f%% in slots | ratio %.2f%n", flows, distribution,
            nanos[0] / (2L * packets), nanos[1] / (2L * packets), 100.0 * inSlots / (2.0 * packets), (double) nanos[1] / nanos[0]);
      }
    }
  }

  private static void drainRate() {
    int entries = 60_000;
    CaptureSettings settings = CaptureSettings.defaults("bench").withTableCapacity(65_536);
    try (CaptureProgram program = CaptureProgram.load(settings)) {
      List<Double> raw = new ArrayList<>();
      List<Double> decoded = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        for (boolean decode : new boolean[] {false, true}) {
          fill(program, entries);
          long start = System.nanoTime();
          long[] flows = {0};
          // Raw: flip and lookup_and_delete_batch alone. Decoded: what the evictor calls, which also
          // decodes, merges per key and collects the flow cache's old half.
          long n = decode
              ? program.flipAndDrain(4096, flow -> flows[0] += flow.packets())
              : program.flip().drain(4096, (k, v) -> {});
          double seconds = (System.nanoTime() - start) / 1e9;
          (decode ? decoded : raw).add(n / seconds);
          if (n != entries || (decode && flows[0] != entries)) {
            throw new IllegalStateException("drained " + n + " entries and " + flows[0] + " packets, not " + entries);
          }
        }
      }
      System.out.printf("drain rate, %d entries per drain, %d rounds: raw median %.2f M entries/s %s; flipAndDrain (decoded, merged, cache collected) median %.2f M entries/s %s%n",
          entries, ROUNDS, median(raw) / 1e6, millions(raw), median(decoded) / 1e6, millions(decoded));
    }
  }

  /** Empties both tables and both cache halves, then puts {@code entries} new flows into the active table. */
  private static void fill(CaptureProgram program, int entries) {
    program.flipAndDrain(4096, flow -> {});
    program.flipAndDrain(4096, flow -> {});
    for (int i = 0; i < entries; i++) {
      byte[] frame = Frames.ip("10.0.0.1", "10." + (1 + i / 65536) + "." + ((i / 256) % 256) + "." + (i % 256)).udp(1000, 53).build();
      ProgramTestRun.run(program.ingressProgramFd(), frame);
    }
  }

  private static void throughput() throws Exception {
    String id = Integer.toString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF), 36);
    String client = "ftbc" + id;
    String server = "ftbs" + id;
    String veth = "bs" + id;
    try {
      ip("netns", "add", client);
      ip("netns", "add", server);
      ip("link", "add", "bc" + id, "netns", client, "type", "veth", "peer", "name", veth, "netns", server);
      ip("-n", client, "addr", "add", "10.79.0.1/24", "dev", "bc" + id);
      ip("-n", server, "addr", "add", "10.79.0.2/24", "dev", veth);
      ip("-n", client, "link", "set", "bc" + id, "up");
      ip("-n", server, "link", "set", veth, "up");
      ip("-n", client, "link", "set", "lo", "up");
      ip("-n", server, "link", "set", "lo", "up");
      try (CaptureProgram program = CaptureProgram.load(CaptureSettings.defaults("bench"));
          CaptureProgram noCache = CaptureProgram.load(CaptureSettings.defaults("bench").withFlowCacheSlots(0));
          CaptureProgram noDns = CaptureProgram.load(CaptureSettings.defaults("bench")
              .withDns(false, CaptureSettings.DEFAULT_DNS_PORTS, CaptureSettings.DEFAULT_DNS_TIMEOUT));
          ReturnProgram pass = ReturnProgram.pass();
          BpfObject baseline = loadBaseline()) {
        int index = inside(server, () -> NetworkNamespace.interfaceIndex(veth));
        assignRole(index, program, baseline);
        assignRole(index, noCache, null);
        assignRole(index, noDns, null);
        Programs programs = new Programs(program, noCache, noDns, pass, baseline);
        Map<String, List<Double>> results = new LinkedHashMap<>();
        VARIANTS.forEach(v -> results.put(v, new ArrayList<>()));
        send(client, server, 2); // warm up
        Map<String, List<Double>> cpuPerGigabyte = new LinkedHashMap<>();
        VARIANTS.forEach(v -> cpuPerGigabyte.put(v, new ArrayList<>()));
        for (int round = 0; round < ROUNDS; round++) {
          // Each round starts with the next variant, so no variant always runs first or last.
          for (int i = 0; i < VARIANTS.size(); i++) {
            String variant = VARIANTS.get((i + round) % VARIANTS.size());
            List<TcHook.Attachment> attached = inside(server, () -> attach(variant, programs, veth));
            try {
              long[] cpuBefore = MachineCpu.busyAndTotalTicks();
              double gbits = send(client, server, SECONDS);
              long[] cpuAfter = MachineCpu.busyAndTotalTicks();
              results.get(variant).add(gbits);
              double gigabytes = gbits * SECONDS / 8;
              cpuPerGigabyte.get(variant).add(MachineCpu.seconds(cpuAfter[0] - cpuBefore[0]) * 1000 / gigabytes);
            } finally {
              attached.forEach(TcHook.Attachment::close);
            }
            programs.discardCounts();
          }
        }
        double none = results.containsKey("none") ? median(results.get("none")) : Double.NaN;
        System.out.printf("veth TCP throughput, %d rounds of %d s, variants alternating in each round, programs on the receiver's veth (%s, role " + ROLE + "):%n",
            ROUNDS, SECONDS, ATTACH);
        results.forEach((variant, values) -> System.out.printf("  %-12s %6.2f Gbit/s %s ratio to none %.3f%n", variant, median(values),
            Arrays.toString(values.stream().mapToDouble(d -> Math.round(d * 100) / 100.0).toArray()), median(values) / none));
        // This machine's neighbours only ever slow a round, never speed one up: the upper quartile
        // shows what each variant does when undisturbed, and a ratio within each round cancels slow drifts.
        if (results.containsKey("none")) {
          System.out.println("  robust ratios to none: upper quartiles | median of the ratios within each round");
          results.forEach((variant, values) -> System.out.printf("  %-12s %.3f | %.3f%n", variant,
              quantile(values, 0.75) / quantile(results.get("none"), 0.75), median(pairedRatios(values, results.get("none")))));
        }
        if (results.containsKey("full") && results.containsKey("none")) {
          System.out.printf("veth TCP throughput, %d rounds of %d s, alternating: without %.2f Gbit/s, with %.2f Gbit/s, ratio with/without %.3f%n",
              ROUNDS, SECONDS, none, median(results.get("full")), median(results.get("full")) / none);
        }
        double noneCpu = cpuPerGigabyte.containsKey("none") ? median(cpuPerGigabyte.get("none")) : Double.NaN;
        System.out.println("machine CPU (all cores, /proc/stat) per GB moved, same rounds:");
        cpuPerGigabyte.forEach((variant, values) -> System.out.printf("  %-12s %6.1f ms/GB %s ratio to none %.3f (lower quartiles %.3f)%n",
            variant, median(values), Arrays.toString(values.stream().mapToDouble(d -> Math.round(d * 10) / 10.0).toArray()),
            median(values) / noneCpu, cpuPerGigabyte.containsKey("none")
                ? quantile(values, 0.25) / quantile(cpuPerGigabyte.get("none"), 0.25) : Double.NaN));
        if (PARTS.contains("insitu")) {
          inSitu(client, server, veth, programs);
        }
      }
    } finally {
      ip("netns", "del", client);
      ip("netns", "del", server);
    }
  }

  /**
   * Attaches a variant to the receiver's veth: none; full (both capture programs); full-ingress or
   * full-egress (one of them); pass (the two-instruction program on both hooks: the hook's own cost);
   * baseline (both programs of the object given with -Dbaseline, e.g. an older build, for an A/B in one run).
   */
  private static List<TcHook.Attachment> attach(String variant, Programs programs, String veth) {
    int index = NetworkNamespace.interfaceIndex(veth);
    List<TcHook.Attachment> attached = new ArrayList<>();
    boolean ingress = !variant.equals("none") && !variant.equals("full-egress");
    boolean egress = !variant.equals("none") && !variant.equals("full-ingress");
    int[] fds = programs.fds(variant);
    int ingressFd = fds[0];
    int egressFd = fds[1];
    if (ingress) {
      attached.add(attachOne(ingressFd, index, veth, TcHook.Point.INGRESS));
    }
    if (egress) {
      attached.add(attachOne(egressFd, index, veth, TcHook.Point.EGRESS));
    }
    return attached;
  }

  /**
   * Cost per run on the live path: one more stream of SECONDS per variant with the kernel's run-time
   * accounting on (BPF_ENABLE_STATS); the accounting adds its own tens of ns per run, which the pass
   * program shows, so compare variants with each other, not with BPF_PROG_TEST_RUN figures.
   */
  private static void inSitu(String client, String server, String veth, Programs programs) throws Exception {
    System.out.printf("cost per run on the live path (kernel run-time accounting on, which adds to every run), one %d s stream each:%n", SECONDS);
    try (ProgramStats stats = ProgramStats.enable()) {
      for (String variant : VARIANTS) {
        if (variant.equals("none")) {
          continue;
        }
        int[] fds = programs.fds(variant);
        ProgramStats.Runs ingressBefore = ProgramStats.of(fds[0]);
        ProgramStats.Runs egressBefore = ProgramStats.of(fds[1]);
        List<TcHook.Attachment> attached = inside(server, () -> attach(variant, programs, veth));
        double gbits;
        try {
          gbits = send(client, server, SECONDS);
        } finally {
          attached.forEach(TcHook.Attachment::close);
        }
        programs.discardCounts();
        ProgramStats.Runs ingress = ProgramStats.of(fds[0]);
        ProgramStats.Runs egress = ProgramStats.of(fds[1]);
        if (fds[0] == fds[1]) { // the pass program on both hooks: one set of counters
          System.out.printf("  %-12s both hooks %.0f ns/run (%d runs/s) at %.2f Gbit/s%n", variant, ingress.meanSince(ingressBefore),
              ingress.countSince(ingressBefore) / SECONDS, gbits);
        } else {
          System.out.printf("  %-12s ingress %.0f ns/run (%d runs/s), egress %.0f ns/run (%d runs/s) at %.2f Gbit/s%n", variant,
              ingress.meanSince(ingressBefore), ingress.countSince(ingressBefore) / SECONDS,
              egress.meanSince(egressBefore), egress.countSince(egressBefore) / SECONDS, gbits);
        }
      }
    }
  }

  /** An Ethernet frame with a UDP DNS query for an A record, from port 40000 to 53. */
  private static byte[] dnsQuery() {
    byte[] name = {3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0};
    byte[] udp = new byte[8 + 12 + name.length + 4];
    udp[0] = (byte) (40000 >> 8);
    udp[1] = (byte) 40000;
    udp[3] = 53;
    udp[4] = (byte) (udp.length >> 8);
    udp[5] = (byte) udp.length;
    udp[8] = 0x12; // ID
    udp[10] = 0x01; // RD
    udp[13] = 1; // QDCOUNT
    System.arraycopy(name, 0, udp, 20, name.length);
    udp[20 + name.length + 1] = 1; // QTYPE A
    udp[20 + name.length + 3] = 1; // QCLASS IN
    return Frames.ip("10.0.0.1", "10.0.0.53").protocol(Frames.UDP, udp).build();
  }

  /** The object named by -Dbaseline, loaded with its compiled defaults and only its TC programs; null without it. */
  private static BpfObject loadBaseline() throws IOException {
    String path = System.getProperty("baseline");
    if (path == null) {
      if (VARIANTS.contains("baseline")) {
        throw new IllegalArgumentException("variant baseline needs -Dbaseline=<path to a flowtel.bpf.o>, e.g. from git show <commit>:collector/src/main/bpf/flowtel.bpf.o");
      }
      return null;
    }
    BpfObject object = BpfObject.open(Files.readAllBytes(Path.of(path)), "baseline " + path);
    object.setAutoload("flowtel_drop", false);
    object.setAutoload("flowtel_tcp_rtt", false);
    object.load();
    return object;
  }

  /** Gives the interface -Drole in the current program and in the baseline object, where it has one. */
  private static void assignRole(int ifindex, CaptureProgram program, BpfObject baseline) {
    if (program != null) {
      program.setInterfaceRole(ifindex, ROLE);
    }
    if (baseline != null) {
      boolean slots = ifindex < CaptureProgram.IF_ROLE_SLOTS && baseline.mapNames().contains("if_role_slots");
      baseline.map(slots ? "if_role_slots" : "if_roles", 4, 4).updateInt(ifindex, ROLE.code());
    }
  }

  /** The programs the variants attach. */
  private record Programs(CaptureProgram program, CaptureProgram noCache, CaptureProgram noDns, ReturnProgram pass, BpfObject baseline) {
    /** Ingress and egress program of a variant. */
    int[] fds(String variant) {
      return switch (variant) {
        case "pass" -> new int[] {pass.fd(), pass.fd()};
        case "baseline" -> new int[] {baseline.programFd("flowtel_ingress"), baseline.programFd("flowtel_egress")};
        case "nocache" -> new int[] {noCache.ingressProgramFd(), noCache.egressProgramFd()};
        case "nodns" -> new int[] {noDns.ingressProgramFd(), noDns.egressProgramFd()};
        default -> new int[] {program.ingressProgramFd(), program.egressProgramFd()};
      };
    }

    /** Empties what this program and the no-cache one counted, so their tables never fill across rounds. */
    void discardCounts() {
      program.flipAndDrain(4096, flow -> {});
      noCache.flipAndDrain(4096, flow -> {});
      noDns.flipAndDrain(4096, flow -> {});
    }
  }

  private static TcHook.Attachment attachOne(int fd, int index, String veth, TcHook.Point point) {
    return ATTACH.equals("clsact") ? TcHook.attachClsact(fd, index, veth, point) : TcHook.attachTcx(fd, index, veth, point);
  }

  /** Gbit/s of one TCP stream from client to server for {@code seconds}. */
  private static double send(String client, String server, int seconds) throws Exception {
    FutureTask<Long> receiver = start(server, () -> {
      try (ServerSocket listener = new ServerSocket()) {
        listener.bind(new InetSocketAddress("10.79.0.2", 5201));
        synchronized (CaptureBenchmark.class) {
          CaptureBenchmark.class.notifyAll();
        }
        try (Socket s = listener.accept(); InputStream in = s.getInputStream()) {
          byte[] buffer = new byte[256 * 1024];
          long total = 0;
          for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
          }
          return total;
        }
      }
    });
    Thread.sleep(200);
    long[] elapsed = new long[1];
    inside(client, () -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("10.79.0.2", 5201));
        OutputStream out = s.getOutputStream();
        byte[] chunk = new byte[128 * 1024];
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
          out.write(chunk);
        }
        elapsed[0] = System.nanoTime() - start;
      }
      return null;
    });
    long bytes = receiver.get();
    return bytes * 8 / (elapsed[0] / 1e9) / 1e9;
  }

  private static <T> T inside(String ns, Callable<T> task) throws Exception {
    FutureTask<T> future = start(ns, task);
    return future.get();
  }

  private static <T> FutureTask<T> start(String ns, Callable<T> task) {
    FutureTask<T> future = new FutureTask<>(() -> {
      NetworkNamespace.enter(Path.of("/var/run/netns", ns));
      return task.call();
    });
    Thread.ofPlatform().daemon(true).start(future);
    return future;
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  }

  /** Linear interpolation between the closest ranks. */
  private static double quantile(List<Double> values, double q) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double rank = q * (sorted.length - 1);
    int below = (int) Math.floor(rank);
    int above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
  }

  /** values[i] / reference[i]: the same round, so the two ran seconds apart. */
  private static List<Double> pairedRatios(List<Double> values, List<Double> reference) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < Math.min(values.size(), reference.size()); i++) {
      ratios.add(values.get(i) / reference.get(i));
    }
    return ratios;
  }

  private static String millions(List<Double> values) {
    return Arrays.toString(values.stream().mapToDouble(d -> Math.round(d / 1e4) / 100.0).toArray());
  }

  private static void ip(String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = "ip";
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }

  /** Busy and total CPU time of the whole machine from /proc/stat, in clock ticks. */
  static final class MachineCpu {
    /** USER_HZ, which /proc/stat counts in; 100 on every Linux architecture Flowtel runs on. */
    private static final double TICKS_PER_SECOND = 100;

    static long[] busyAndTotalTicks() throws IOException {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < fields.length; i++) {
        total += Long.parseLong(fields[i]);
      }
      long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]); // idle + iowait
      return new long[] {total - idle, total};
    }

    static double seconds(long ticks) {
      return ticks / TICKS_PER_SECOND;
    }
  }
}
