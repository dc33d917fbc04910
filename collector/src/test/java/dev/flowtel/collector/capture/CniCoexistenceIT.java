package dev.flowtel.collector.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.flowtel.collector.bpf.BpfSupport;
import dev.flowtel.collector.bpf.HookChain;
import dev.flowtel.collector.bpf.NetworkNamespace;
import dev.flowtel.collector.bpf.TcFilter;
import dev.flowtel.collector.bpf.TcFilters;
import dev.flowtel.collector.bpf.TcHook;
import dev.flowtel.collector.bpf.ReturnProgram;
import dev.flowtel.core.source.FlowSink;
import dev.flowtel.schema.Direction;
import dev.flowtel.schema.FlowEvent;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The collector beside a CNI's own TC programs. The CNI stand-in is {@link ReturnProgram#cniVerdict}: it
 * returns TC_ACT_OK, as Cilium's programs do, which lets the packet through and ends processing on
 * the hook, so whatever runs after it never sees the packet. Given a veth whose "node" end carries
 * that program, when the collector starts, UDP echoes cross, and the collector stops and starts
 * again, then our counts are exact wherever we run before it (TCX head of chain, TCX before any
 * legacy filter), a hook where we run after it is reported as shadowed, and neither side ever
 * removes the other's program.
 */
@Tag("ebpf")
class CniCoexistenceIT {

  /** A limit for each state waited for (the attacher polls every second); a passing run takes a second or two. */
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final int CNI_PRIORITY = 1;
  private static final int CNI_HANDLE = 0x1;
  /** Three datagrams of 100, 200, 300 bytes each way: L3 bytes are IPv4 20 + UDP 8 + payload. */
  private static final Totals ECHOED = new Totals(3, 3 * (20 + 8) + 600);
  private static final Totals UNSEEN = new Totals(0, 0);

  private NetnsLab lab;
  private String node;
  private String client;
  private String veth;
  private int ifindex;
  private ReturnProgram cni;

  @BeforeEach
  void vethWithACniProgramLoaded() throws Exception {
    String reason = BpfSupport.unavailableReason();
    assumeThat(reason).as("eBPF not permitted here: %s", reason).isNull();
    lab = new NetnsLab();
    client = lab.namespace("c");
    node = lab.namespace("n");
    veth = "kn" + lab.id;
    lab.veth(client, "kc" + lab.id, node, veth);
    lab.address(client, "kc" + lab.id, "10.78.0.1/24");
    lab.address(node, veth, "10.78.0.2/24");
    ifindex = NetnsLab.inside(node, () -> NetworkNamespace.interfaceIndex(veth));
    cni = ReturnProgram.cniVerdict();
  }

  @AfterEach
  void removeNamespaces() {
    if (cni != null) {
      cni.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void tcxAtTheHeadCountsExactlyBeforeACniVerdictAndLeavesTheCniProgramInPlace() throws Exception {
    List<TcHook.Attachment> cniLinks = inNode(() -> List.of(
        TcHook.attachTcx(cni.fd(), ifindex, veth, TcHook.Point.INGRESS, true),
        TcHook.attachTcx(cni.fd(), ifindex, veth, TcHook.Point.EGRESS, true)));
    CaptureSettings settings = settings(CaptureSettings.AttachMode.AUTO);

    try (Capture capture = Capture.start(settings, veth)) {
      assertThat(tcxMembers(TcHook.Point.INGRESS)).containsExactly("prog " + "\\d+ flowtel_ingress", cni.tcxMember());
      assertThat(tcxMembers(TcHook.Point.EGRESS)).containsExactly("prog " + "\\d+ flowtel_egress", cni.tcxMember());
      udpEcho(9101);
      capture.stop();
      assertThat(capture.totals(9101, Direction.INGRESS)).isEqualTo(ECHOED);
      assertThat(capture.totals(9101, Direction.EGRESS)).isEqualTo(ECHOED);
    }
    assertThat(tcxMembers(TcHook.Point.INGRESS)).as("the collector stopped: the CNI's program stays").containsExactly(cni.tcxMember());
    assertThat(tcxMembers(TcHook.Point.EGRESS)).containsExactly(cni.tcxMember());

    try (Capture restarted = Capture.start(settings, veth)) {
      assertThat(tcxMembers(TcHook.Point.INGRESS)).containsExactly("prog " + "\\d+ flowtel_ingress", cni.tcxMember());
      udpEcho(9102);

      cniLinks.forEach(TcHook.Attachment::close); // the CNI goes first: ours stays and keeps counting
      assertThat(tcxMembers(TcHook.Point.INGRESS)).containsExactly("prog " + "\\d+ flowtel_ingress");
      assertThat(tcxMembers(TcHook.Point.EGRESS)).containsExactly("prog " + "\\d+ flowtel_egress");
      udpEcho(9103);
      restarted.stop();
      assertThat(restarted.totals(9102, Direction.INGRESS)).isEqualTo(ECHOED);
      assertThat(restarted.totals(9102, Direction.EGRESS)).isEqualTo(ECHOED);
      assertThat(restarted.totals(9103, Direction.INGRESS)).isEqualTo(ECHOED);
      assertThat(restarted.totals(9103, Direction.EGRESS)).isEqualTo(ECHOED);
    }
    assertThat(tcxMembers(TcHook.Point.INGRESS)).isEmpty();
  }

  @Test
  void tcxAtTheTailBehindACniVerdictSeesNothingAndReportsTheHookShadowed() throws Exception {
    List<TcHook.Attachment> cniLinks = inNode(() -> List.of(
        TcHook.attachTcx(cni.fd(), ifindex, veth, TcHook.Point.INGRESS, true),
        TcHook.attachTcx(cni.fd(), ifindex, veth, TcHook.Point.EGRESS, true)));
    CaptureSettings tail = settings(CaptureSettings.AttachMode.TCX).withTcxPosition(CaptureSettings.TcxPosition.TAIL);

    try (Capture capture = Capture.start(tail, veth)) {
      assertThat(tcxMembers(TcHook.Point.INGRESS)).containsExactly(cni.tcxMember(), "prog " + "\\d+ flowtel_ingress");
      udpEcho(9201);
      capture.stop();
      assertThat(capture.totals(9201, Direction.INGRESS)).as("the CNI's verdict ended processing before ours").isEqualTo(UNSEEN);
      assertThat(capture.totals(9201, Direction.EGRESS)).isEqualTo(UNSEEN);
    }

    try (CaptureProgram program = CaptureProgram.load(tail); InterfaceAttacher attacher = new InterfaceAttacher(program, tail)) {
      attacher.start();
      assertThat(attacher.shadowedHooks(TcHook.Point.INGRESS)).isEqualTo(1);
      assertThat(attacher.shadowedHooks(TcHook.Point.EGRESS)).isEqualTo(1);

      cniLinks.forEach(TcHook.Attachment::close);
      await().atMost(LIMIT).until(() -> attacher.shadowedHooks(TcHook.Point.INGRESS) == 0
          && attacher.shadowedHooks(TcHook.Point.EGRESS) == 0);
      assertThat(attacher.attachedInterfaces()).containsExactly(veth);
    }

    CaptureSettings head = settings(CaptureSettings.AttachMode.TCX);
    try (TcHook.Attachment cniLink = inNode(() -> TcHook.attachTcx(cni.fd(), ifindex, veth, TcHook.Point.INGRESS, true));
        CaptureProgram program = CaptureProgram.load(head); InterfaceAttacher attacher = new InterfaceAttacher(program, head)) {
      attacher.start();
      assertThat(attacher.shadowedHooks(TcHook.Point.INGRESS)).as("at the head nothing runs before ours").isZero();
    }
  }

  @Test
  void aLegacyFilterAheadOfOursIsReportedAndHidesPacketsWhileTcxRunsBeforeIt() throws Exception {
    // the CNI's filters are there first: ours, added later at the same priority, runs before them
    inNode(() -> {
      cni.attachFilter(ifindex, TcHook.Point.INGRESS, CNI_PRIORITY, CNI_HANDLE);
      cni.attachFilter(ifindex, TcHook.Point.EGRESS, CNI_PRIORITY, CNI_HANDLE);
      return null;
    });
    CaptureSettings clsact = settings(CaptureSettings.AttachMode.CLSACT);

    try (Capture capture = Capture.start(clsact, veth)) {
      assertThat(legacyFilters(TcHook.Point.INGRESS)).containsExactly(TcHook.FILTER_HANDLE, CNI_HANDLE);
      udpEcho(9301);
      capture.stop();
      assertThat(capture.totals(9301, Direction.INGRESS)).isEqualTo(ECHOED);
      assertThat(capture.totals(9301, Direction.EGRESS)).isEqualTo(ECHOED);
    }
    assertThat(legacyFilters(TcHook.Point.INGRESS)).as("the collector stopped: the CNI's filter stays").containsExactly(CNI_HANDLE);
    assertThat(legacyFilters(TcHook.Point.EGRESS)).containsExactly(CNI_HANDLE);

    // the CNI adds a filter while we run (as on a restart of its agent): the newest of a priority runs first
    try (CaptureProgram program = CaptureProgram.load(clsact); InterfaceAttacher attacher = new InterfaceAttacher(program, clsact)) {
      attacher.start();
      assertThat(attacher.shadowedHooks(TcHook.Point.INGRESS)).isZero();
      inNode(() -> {
        cni.attachFilter(ifindex, TcHook.Point.INGRESS, CNI_PRIORITY, 0x2);
        return null;
      });
      await().atMost(LIMIT).until(() -> attacher.shadowedHooks(TcHook.Point.INGRESS) == 1);
      assertThat(attacher.shadowedHooks(TcHook.Point.EGRESS)).isZero();
      HookChain chain = inNode(() -> TcHook.clsactChain(ifindex, veth, TcHook.Point.INGRESS));
      assertThat(chain.ahead()).containsExactly("bpf filter pref 1 handle 0x2 (prog " + cni.id() + " cni_pass:[" + cni.id()
          + "], direct-action)");

      inNode(() -> {
        ReturnProgram.detachFilter(ifindex, TcHook.Point.INGRESS, CNI_PRIORITY, 0x2);
        return null;
      });
      await().atMost(LIMIT).until(() -> attacher.shadowedHooks(TcHook.Point.INGRESS) == 0);
    }

    try (Capture capture = Capture.start(clsact, veth)) {
      inNode(() -> {
        cni.attachFilter(ifindex, TcHook.Point.INGRESS, CNI_PRIORITY, 0x2);
        cni.attachFilter(ifindex, TcHook.Point.EGRESS, CNI_PRIORITY, 0x2);
        return null;
      });
      assertThat(legacyFilters(TcHook.Point.INGRESS)).containsExactly(0x2, TcHook.FILTER_HANDLE, CNI_HANDLE);
      udpEcho(9302);
      capture.stop();
      assertThat(capture.totals(9302, Direction.INGRESS)).as("behind the CNI's filter we see nothing").isEqualTo(UNSEEN);
      assertThat(capture.totals(9302, Direction.EGRESS)).isEqualTo(UNSEEN);
    }

    try (Capture capture = Capture.start(settings(CaptureSettings.AttachMode.AUTO), veth)) {
      udpEcho(9303);
      capture.stop();
      assertThat(capture.totals(9303, Direction.INGRESS)).as("TCX runs before every legacy filter").isEqualTo(ECHOED);
      assertThat(capture.totals(9303, Direction.EGRESS)).isEqualTo(ECHOED);
    }
    assertThat(legacyFilters(TcHook.Point.INGRESS)).containsExactly(0x2, CNI_HANDLE);
  }

  @Test
  void removingTheCniFilterFirstLeavesOursAndRemovingOursLeavesTheCnis() throws Exception {
    inNode(() -> {
      cni.attachFilter(ifindex, TcHook.Point.INGRESS, CNI_PRIORITY, CNI_HANDLE);
      return null;
    });
    CaptureSettings clsact = settings(CaptureSettings.AttachMode.CLSACT);

    try (Capture capture = Capture.start(clsact, veth)) {
      inNode(() -> {
        ReturnProgram.detachFilter(ifindex, TcHook.Point.INGRESS, CNI_PRIORITY, CNI_HANDLE);
        return null;
      });
      assertThat(legacyFilters(TcHook.Point.INGRESS)).containsExactly(TcHook.FILTER_HANDLE);
      udpEcho(9401);
      capture.stop();
      assertThat(capture.totals(9401, Direction.INGRESS)).isEqualTo(ECHOED);
    }
    assertThat(legacyFilters(TcHook.Point.INGRESS)).isEmpty();

    inNode(() -> {
      cni.attachFilter(ifindex, TcHook.Point.INGRESS, CNI_PRIORITY, CNI_HANDLE);
      return null;
    });
    try (Capture capture = Capture.start(clsact, veth)) {
      assertThat(legacyFilters(TcHook.Point.INGRESS)).containsExactly(TcHook.FILTER_HANDLE, CNI_HANDLE);
    }
    assertThat(legacyFilters(TcHook.Point.INGRESS)).containsExactly(CNI_HANDLE);
  }

  private CaptureSettings settings(CaptureSettings.AttachMode mode) {
    return NetnsLab.captureOn(node, veth).withAttachMode(mode)
        .withTableCapacity(1024);
  }

  private <T> T inNode(java.util.concurrent.Callable<T> task) throws Exception {
    return NetnsLab.inside(node, task);
  }

  /** The TCX programs on the hook, in running order, as patterns (ours have ids not known here). */
  private List<String> tcxMembers(TcHook.Point point) throws Exception {
    HookChain chain = inNode(() -> TcHook.tcxChain(ifindex, veth, point, 0));
    return chain.members().stream().map(m -> m.matches("prog \\d+ flowtel_(ingress|egress)") ? m.replaceAll("\\d+", "\\\\d+") : m).toList();
  }

  /** Handles of the legacy filters on the hook, in running order. */
  private List<Integer> legacyFilters(TcHook.Point point) throws Exception {
    return inNode(() -> TcFilters.list(ifindex, veth, point)).stream().map(TcFilter::handle).toList();
  }

  /** Three datagrams of 100, 200 and 300 bytes from the client to the node, each echoed back. */
  private void udpEcho(int port) throws Exception {
    InetAddress server = InetAddress.getByName("10.78.0.2");
    CountDownLatch bound = new CountDownLatch(1);
    FutureTask<Void> serverTask = NetnsLab.start(node, () -> {
      try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(server, port))) {
        bound.countDown();
        for (int i = 0; i < 3; i++) {
          DatagramPacket p = new DatagramPacket(new byte[2000], 2000);
          socket.receive(p);
          socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
        }
      }
      return null;
    });
    assertThat(bound.await(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("echo server bound").isTrue();
    NetnsLab.inside(client, () -> {
      try (DatagramSocket socket = new DatagramSocket()) {
        socket.setSoTimeout((int) LIMIT.toMillis()); // a limit: each echo comes back at once
        for (int size : new int[] {100, 200, 300}) {
          socket.send(new DatagramPacket(new byte[size], size, new InetSocketAddress(server, port)));
          socket.receive(new DatagramPacket(new byte[2000], 2000));
        }
      }
      return null;
    });
    serverTask.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
  }

  private record Totals(long packets, long bytes) {}

  /** One run of the collector's capture on the veth; stop() detaches and drains everything into events. */
  private static final class Capture implements AutoCloseable {
    private final EbpfFlowSource source;
    private final List<FlowEvent> events = new ArrayList<>();

    private Capture(EbpfFlowSource source) {
      this.source = source;
    }

    static Capture start(CaptureSettings settings, String veth) {
      Capture capture = new Capture(new EbpfFlowSource(settings));
      FlowSink sink = (flow, key) -> {
        synchronized (capture.events) {
          capture.events.add(flow);
        }
      };
      try {
        capture.source.start(sink);
        await().atMost(LIMIT).until(() -> capture.source.attachedInterfaces().contains(veth));
      } catch (RuntimeException | Error e) {
        capture.source.close();
        throw e;
      }
      return capture;
    }

    void stop() {
      source.close();
    }

    /** Packets and L3 bytes of the UDP flow to (INGRESS at the node's veth) or from (EGRESS) {@code port}. */
    Totals totals(int port, Direction direction) {
      synchronized (events) {
        List<FlowEvent> flows = events.stream().filter(e -> e.getProtocol() == 17 && e.getDirection() == direction
            && (direction == Direction.INGRESS ? e.getDstPort() == port : e.getSrcPort() == port)).toList();
        return new Totals(flows.stream().mapToLong(FlowEvent::getPackets).sum(), flows.stream().mapToLong(FlowEvent::getBytes).sum());
      }
    }

    @Override
    public void close() {
      source.close();
    }
  }
}
