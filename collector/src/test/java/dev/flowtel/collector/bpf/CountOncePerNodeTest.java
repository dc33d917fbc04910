package dev.flowtel.collector.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.flowtel.collector.capture.CaptureProgram;
import dev.flowtel.collector.capture.CaptureProgram.Counter;
import dev.flowtel.collector.capture.CaptureProgram.InterfaceRole;
import dev.flowtel.collector.capture.CaptureSettings;
import dev.flowtel.collector.capture.KernelFlow;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The kernel's rule for counting a packet once per node, run with BPF_PROG_TEST_RUN on the
 * loopback device (ifindex 1) playing a pod veth or the uplink: a pod's packets are counted where
 * they leave the pod, not again at a later hook.
 */
@Tag("ebpf")
class CountOncePerNodeTest {

  private static final int LO = 1;
  @RegisterExtension
  final LoadedCaptureProgram loaded = new LoadedCaptureProgram(CaptureSettings.defaults("n").withTableCapacity(256));
  private CaptureProgram program;

  @BeforeEach
  void program() {
    program = loaded.program();
  }

  @Test
  void aPodsPacketIsCountedAtItsVethAndNotWhenItLeavesTowardsAnotherLocalPod() {
    program.setInterfaceRole(LO, InterfaceRole.POD_VETH);
    byte[] fromPod = Frames.ip("10.1.0.5", "10.1.0.9").udp(1000, 2000).build();

    ProgramTestRun.run(program.ingressProgramFd(), fromPod); // leaves pod 10.1.0.5: counted, address learnt
    ProgramTestRun.run(program.egressProgramFd(), fromPod);  // enters the other pod: already counted

    assertThat(drain()).extracting(KernelFlow::direction).containsExactly(KernelFlow.DIRECTION_INGRESS);
    assertThat(program.counter(Counter.SEEN_ELSEWHERE)).isEqualTo(1);
    assertThat(program.learntPodAddresses()).isEqualTo(1);
  }

  @Test
  void whereAFlowIsCountedIsDecidedOncePerTableAndItsMarkIsNeverExported() {
    program.setInterfaceRole(LO, InterfaceRole.POD_VETH);
    byte[] fromPod = Frames.ip("10.1.0.5", "10.1.0.9").tcp(1000, 2000, 0x10, 0).payload(100).build();

    for (int i = 0; i < 3; i++) {
      ProgramTestRun.run(program.ingressProgramFd(), fromPod);
      ProgramTestRun.run(program.egressProgramFd(), fromPod);
    }
    program.forgetInterface(LO); // the other pod's veth keeps its decision until the next table
    program.setInterfaceRole(LO, InterfaceRole.POD_VETH);
    ProgramTestRun.run(program.egressProgramFd(), fromPod);

    List<KernelFlow> flows = new ArrayList<>();
    long removed = program.flipAndDrain(64, flows::add);
    assertThat(flows).singleElement().satisfies(f -> {
      assertThat(f.direction()).isEqualTo(KernelFlow.DIRECTION_INGRESS);
      assertThat(f.packets()).isEqualTo(3);
    });
    assertThat(removed).as("the mark of the flow counted elsewhere is removed with the table").isEqualTo(2);
    assertThat(program.counter(Counter.SKIPPED_FLOWS)).isEqualTo(1);
    assertThat(program.counter(Counter.SEEN_ELSEWHERE)).isEqualTo(4);

    ProgramTestRun.run(program.egressProgramFd(), fromPod); // a new table decides afresh: no local pod now
    assertThat(drain()).extracting(KernelFlow::direction).containsExactly(KernelFlow.DIRECTION_EGRESS);
  }

  @Test
  void packetsFromOutsideAreCountedWhereTheyEnterThePod() {
    program.setInterfaceRole(LO, InterfaceRole.POD_VETH);

    ProgramTestRun.run(program.egressProgramFd(), Frames.ip("8.8.8.8", "10.1.0.9").udp(53, 2000).build());

    assertThat(drain()).extracting(KernelFlow::direction).containsExactly(KernelFlow.DIRECTION_EGRESS);
  }

  @Test
  void theUplinkSkipsWhatAPodVethCounts() {
    program.setInterfaceRole(LO, InterfaceRole.POD_VETH);
    ProgramTestRun.run(program.ingressProgramFd(), Frames.ip("10.1.0.5", "1.1.1.1").udp(1000, 53).build());
    drain();
    program.setInterfaceRole(LO, InterfaceRole.UPLINK);

    ProgramTestRun.run(program.egressProgramFd(), Frames.ip("10.1.0.5", "1.1.1.1").udp(1000, 53).build()); // pod -> world
    ProgramTestRun.run(program.ingressProgramFd(), Frames.ip("1.1.1.1", "10.1.0.5").udp(53, 1000).build()); // world -> pod
    ProgramTestRun.run(program.ingressProgramFd(), Frames.ip("1.1.1.1", "10.2.0.1").udp(53, 1000).build()); // world -> node

    List<KernelFlow> counted = drain();
    assertThat(counted).extracting(f -> KernelFlow.addressText(f.dstAddr())).containsExactly("10.2.0.1");
  }

  @Test
  void addressesOfAVanishedVethAreForgotten() {
    program.setInterfaceRole(LO, InterfaceRole.POD_VETH);
    byte[] fromPod = Frames.ip("10.1.0.5", "10.1.0.9").udp(1000, 2000).build();
    ProgramTestRun.run(program.ingressProgramFd(), fromPod);
    drain();

    program.forgetInterface(LO);
    program.setInterfaceRole(LO, InterfaceRole.POD_VETH);
    ProgramTestRun.run(program.egressProgramFd(), fromPod); // the IP now belongs to no local pod

    assertThat(drain()).extracting(KernelFlow::direction).containsExactly(KernelFlow.DIRECTION_EGRESS);
  }

  @Test
  void anInterfaceWithoutRoleCountsEverything() {
    byte[] packet = Frames.ip("10.1.0.5", "10.1.0.9").udp(1000, 2000).build();

    ProgramTestRun.run(program.ingressProgramFd(), packet);
    ProgramTestRun.run(program.egressProgramFd(), packet);

    assertThat(drain()).hasSize(2);
  }

  @Test
  void anInterfaceAboveTheRoleArrayKeepsItsRoleInTheHashUntilForgotten() throws Exception {
    // ifindexes from IF_ROLE_SLOTS up live in the hash map if_roles: a veth with such an index
    int ifindex = CaptureProgram.IF_ROLE_SLOTS + 4096 + ThreadLocalRandom.current().nextInt(40_000);
    String name = "ftr" + Integer.toString(ifindex, 36);
    ip("link", "add", name, "index", Integer.toString(ifindex), "type", "veth", "peer", "name", name + "p");
    try {
      ip("link", "set", name, "up");
      program.setInterfaceRole(ifindex, InterfaceRole.POD_VETH);
      byte[] fromPod = Frames.ip("10.1.0.5", "10.1.0.9").udp(1000, 2000).build();

      ProgramTestRun.runOn(program.ingressProgramFd(), fromPod, ifindex); // counted, address learnt
      ProgramTestRun.runOn(program.egressProgramFd(), fromPod, ifindex);  // already counted

      assertThat(drain()).extracting(KernelFlow::direction, KernelFlow::ifindex).containsExactly(tuple(KernelFlow.DIRECTION_INGRESS, ifindex));
      assertThat(program.counter(Counter.SEEN_ELSEWHERE)).isEqualTo(1);

      program.forgetInterface(ifindex);
      ProgramTestRun.runOn(program.egressProgramFd(), fromPod, ifindex); // no role any more: counted

      assertThat(drain()).extracting(KernelFlow::direction).containsExactly(KernelFlow.DIRECTION_EGRESS);
      assertThat(program.counter(Counter.SEEN_ELSEWHERE)).isEqualTo(1);
    } finally {
      ip("link", "del", name);
    }
  }

  private static void ip(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }

  private List<KernelFlow> drain() {
    return loaded.drain();
  }
}
