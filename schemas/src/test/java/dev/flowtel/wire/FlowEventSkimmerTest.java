package dev.flowtel.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.Direction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.Verdict;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Given FlowEvents of every shape, when the skimmer reads what the wire codec wrote, then every
 * field it keeps equals the codec's full decoding, and whatever it cannot read exactly is left to
 * the codec.
 */
class FlowEventSkimmerTest {

  private final WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
  private final FlowEventSkimmer skimmer = new FlowEventSkimmer();

  @Test
  void followsThisBuildsFlowEventSchema() {
    assertThat(FlowEventSkimmer.followsCurrentSchema())
        .as("FlowEvent's schema changed (fingerprint %016x): make FlowEventSkimmer.readBody follow its fields, "
            + "then set SKIMMED_FINGERPRINT to it", SchemaCatalog.fingerprint(RecordType.FLOW_EVENT.currentSchema()))
        .isTrue();
  }

  @Test
  void keptFieldsEqualFullDecodingForEveryShape() {
    for (FlowEvent flow : shapes()) {
      byte[] bytes = codec.encode(flow);
      FlowEvent full = ((DecodeResult.Decoded<FlowEvent>) codec.decode(bytes)).record();
      assertThat(skimmer.read(bytes)).as(flow.toString()).isEqualTo(withoutSkippedFields(full));
    }
  }

  @Test
  void eachReadReplacesWhatThePreviousOneLeft() {
    List<FlowEvent> shapes = shapes();
    for (int i = shapes.size() - 1; i >= 0; i--) {
      skimmer.read(codec.encode(shapes.get(i)));
    }
    FlowEvent first = shapes.get(0);
    assertThat(skimmer.read(codec.encode(first))).isEqualTo(withoutSkippedFields(first));
  }

  @Test
  void whatItCannotReadExactlyIsLeftToTheCodec() {
    byte[] good = codec.encode(SampleRecords.flow(40_001));
    assertThat(skimmer.read(good)).isNotNull();

    assertThat(skimmer.read(Arrays.copyOf(good, good.length - 1))).as("truncated").isNull();
    assertThat(skimmer.read(Arrays.copyOf(good, good.length + 1))).as("trailing byte").isNull();
    byte[] otherVersion = good.clone();
    otherVersion[2] ^= 1;
    assertThat(skimmer.read(otherVersion)).as("another schema fingerprint").isNull();
    assertThat(skimmer.read(Arrays.copyOf(good, WireCodec.HEADER_LENGTH))).as("header only").isNull();
    assertThat(skimmer.read(null)).isNull();

    FlowEvent noInterface = FlowEvent.newBuilder(SampleRecords.flow(40_001)).setInterfaceName(null).build();
    byte[] badUnion = codec.encode(noInterface);
    int interfaceUnion = WireCodec.HEADER_LENGTH + varLongLength(badUnion, WireCodec.HEADER_LENGTH);
    interfaceUnion += varLongLength(badUnion, interfaceUnion);                       // flowEnd
    interfaceUnion += varLongLength(badUnion, interfaceUnion) + "node-a".length();   // node
    assertThat(badUnion[interfaceUnion]).as("the null branch of interfaceName").isEqualTo((byte) 0);
    badUnion[interfaceUnion] = 4; // zig-zag 2: a third branch
    assertThat(codec.decode(badUnion)).isInstanceOf(DecodeResult.Failed.class);
    assertThat(skimmer.read(badUnion)).as("union branch 2").isNull();
  }

  @Test
  void decodingSkimsWhatItCanAndLeavesTheRestWithItsFailuresToTheCodec() {
    byte[] good = codec.encode(SampleRecords.flow(40_001));
    DecodeResult<FlowEvent> decoded = skimmer.decode(good);
    assertThat(decoded).isInstanceOf(DecodeResult.Decoded.class);
    assertThat(((DecodeResult.Decoded<FlowEvent>) decoded).writerVersion())
        .isEqualTo(((DecodeResult.Decoded<FlowEvent>) codec.decode(good)).writerVersion());
    assertThat(decoded.orElseThrow()).isSameAs(skimmer.read(good));

    byte[] truncated = Arrays.copyOf(good, good.length - 1);
    assertThat(skimmer.decode(truncated)).isEqualTo(codec.decode(truncated)).isInstanceOf(DecodeResult.Failed.class);
  }

  @Test
  void fullTablesStillGiveTheRightNamesAndEndpoints() {
    FlowEvent base = SampleRecords.flow(40_001);
    for (int i = 0; i < 70_000; i++) {
      FlowEvent flow = FlowEvent.newBuilder(base).setNode("node-" + i)
          .setSource(Endpoint.newBuilder(base.getSource()).setPod("frontend-" + (i % 40_000)).build()).build();
      FlowEvent read = skimmer.read(codec.encode(flow));
      assertThat(read.getNode()).isEqualTo("node-" + i);
      assertThat(read.getSource().getPod()).isEqualTo("frontend-" + (i % 40_000));
      assertThat(read.getDestination().getPod()).isEqualTo("checkout-0");
    }
  }

  private static int varLongLength(byte[] bytes, int offset) {
    int n = 1;
    while ((bytes[offset + n - 1] & 0x80) != 0) {
      n++;
    }
    return n;
  }

  /** What the skimmer leaves out, blanked the way it leaves it. */
  private static FlowEvent withoutSkippedFields(FlowEvent full) {
    FlowEvent expected = FlowEvent.newBuilder(full).setInterfaceName(null).setDropReason(null).setCommunityId(null)
        .setPolicyNames(List.of()).build();
    if (expected.getSource() != null) {
      expected.setSource(Endpoint.newBuilder(expected.getSource()).setLabels(Map.of()).build());
    }
    if (expected.getDestination() != null) {
      expected.setDestination(Endpoint.newBuilder(expected.getDestination()).setLabels(Map.of()).build());
    }
    return expected;
  }

  private static List<FlowEvent> shapes() {
    FlowEvent sample = SampleRecords.flow(40_001);
    Endpoint external = Endpoint.newBuilder().setKind(EndpointKind.EXTERNAL).setNetworkClass(NetworkClass.PUBLIC).build();
    Endpoint named = Endpoint.newBuilder(external).setDomain("api.example.com").build();
    Endpoint hostNetwork = Endpoint.newBuilder().setKind(EndpointKind.POD).setNamespace("kube-system")
        .setPod("kube-proxy-x1").setWorkloadKind("DaemonSet").setWorkloadName("kube-proxy").setNode("node-b")
        .setHostNetwork(true).setServices(List.of("b", "a", "c")).setLabels(Map.of("k", "v", "k2", "v2"))
        .setNetworkClass(NetworkClass.NODE).build();
    return List.of(
        sample,
        FlowEvent.newBuilder(sample).setSource(null).setDestination(null).setInterfaceIndex(null).setTcpRttMicros(null)
            .setCommunityId(null).setInterfaceName(null).setPolicyNames(List.of()).build(),
        FlowEvent.newBuilder(sample).setProtocol(1).setIcmpType(8).setIcmpCode(0).setSrcPort(8).setDstPort(0)
            .setDropReason("NETFILTER_DROP").setDrops(3).setDropBytes(252).setVerdict(Verdict.DROPPED)
            .setPolicyNames(List.of("a/b", "c/d", "e/f")).setDestination(external).build(),
        FlowEvent.newBuilder(sample).setIpVersion(6).setSrcAddr(ByteBuffer.wrap(new byte[16]))
            .setDstAddr(ByteBuffer.wrap(new byte[] {(byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}))
            .setDirection(Direction.UNKNOWN).setSource(hostNetwork).setFlowStart(Instant.parse("1969-12-31T23:59:59.5Z"))
            .setFlowEnd(Instant.parse("2026-11-27T04:00:00.123456789Z")).setSamplingRate(100).build(),
        FlowEvent.newBuilder(sample).setDestination(named).build(),
        FlowEvent.newBuilder(sample).setDestination(Endpoint.newBuilder(named).setDomain("cdn.example.net").build()).build());
  }
}
