package dev.flowtel.collector.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.flowtel.collector.bpf.BpfSupport;
import dev.flowtel.collector.bpf.NetworkNamespace;
import dev.flowtel.collector.bpf.TcHook;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The attacher follows interfaces as pods come and go, cleans up legacy filters a killed run left
 * behind, and leaves nothing attached after close, with TCX links and with clsact filters.
 */
@Tag("ebpf")
class InterfaceAttacherIT {

  /** A limit for each state waited for (the attacher polls every second); a passing run takes a second or two. */
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @Test
  void followsVethsAsTheyAppearAndVanishAndRemovesAStaleFilterAtStart() throws Exception {
    String reason = BpfSupport.unavailableReason();
    assumeThat(reason).as("eBPF not permitted here: %s", reason).isNull();
    try (NetnsLab lab = new NetnsLab()) {
      String pod = lab.namespace("p");
      String node = lab.namespace("n");
      String first = "vf" + lab.id;
      lab.veth(pod, "pf" + lab.id, node, first);
      CaptureSettings settings = CaptureSettings.defaults("it-node").withNamespace(NetnsLab.path(node))
          .withPodInterfaces(Pattern.compile("v[fs]" + lab.id));

      // a killed run: its clsact filter stays, its program with it
      try (CaptureProgram killed = CaptureProgram.load(settings)) {
        NetnsLab.inside(node, () -> TcHook.attachClsact(killed.ingressProgramFd(), NetworkNamespace.interfaceIndex(first), first,
            TcHook.Point.INGRESS));
      }
      assertThat(ourFilter(node, first)).isNotZero();

      java.util.concurrent.atomic.AtomicInteger changes = new java.util.concurrent.atomic.AtomicInteger();
      try (CaptureProgram program = CaptureProgram.load(settings);
          InterfaceAttacher attacher = new InterfaceAttacher(program, settings, changes::incrementAndGet)) {
        attacher.start();

        assertThat(ourFilter(node, first)).as("stale clsact filter removed; TCX used instead").isZero();
        assertThat(attacher.attachedInterfaces()).containsExactly(first);
        assertThat(changes).as("a change announced per poll that attached or detached").hasValue(1);

        String second = "vs" + lab.id;
        lab.veth(pod, "ps" + lab.id, node, second);
        await().atMost(LIMIT).until(() -> attacher.attachedInterfaces().contains(second));
        await().atMost(LIMIT).untilAsserted(() -> assertThat(changes).hasValue(2));

        NetnsLab.ip("-n", node, "link", "del", first);
        await().atMost(LIMIT).until(() -> attacher.attachedInterfaces().equals(java.util.List.of(second)));
        await().atMost(LIMIT).untilAsserted(() -> assertThat(changes).hasValue(3));
        assertThat(attacher.attachFailures()).isZero();
      }
    }
  }

  @Test
  void clsactModeAttachesAtOurHandleAndRemovesItOnClose() throws Exception {
    String reason = BpfSupport.unavailableReason();
    assumeThat(reason).as("eBPF not permitted here: %s", reason).isNull();
    try (NetnsLab lab = new NetnsLab()) {
      String pod = lab.namespace("p");
      String node = lab.namespace("n");
      String veth = "vc" + lab.id;
      lab.veth(pod, "pc" + lab.id, node, veth);
      CaptureSettings settings = CaptureSettings.defaults("it-node").withNamespace(NetnsLab.path(node))
          .withPodInterfaces(Pattern.compile(Pattern.quote(veth))).withAttachMode(CaptureSettings.AttachMode.CLSACT);

      try (CaptureProgram program = CaptureProgram.load(settings); InterfaceAttacher attacher = new InterfaceAttacher(program, settings)) {
        attacher.start();
        assertThat(ourFilter(node, veth)).isNotZero();
      }

      assertThat(ourFilter(node, veth)).isZero();
    }
  }

  private static int ourFilter(String ns, String ifname) throws Exception {
    return NetnsLab.inside(ns, () -> TcHook.queryOurFilter(NetworkNamespace.interfaceIndex(ifname), TcHook.Point.INGRESS));
  }
}
