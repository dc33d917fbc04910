package dev.flowtel.core.edge;

import static dev.flowtel.core.edge.TestFlows.CHECKOUT_0;
import static dev.flowtel.core.edge.TestFlows.CHECKOUT_0_IP;
import static dev.flowtel.core.edge.TestFlows.FRONTEND_1;
import static dev.flowtel.core.edge.TestFlows.FRONTEND_1_IP;
import static dev.flowtel.core.edge.TestFlows.FRONTEND_2;
import static dev.flowtel.core.edge.TestFlows.FRONTEND_2_IP;
import static dev.flowtel.core.edge.TestFlows.INTERNET;
import static dev.flowtel.core.edge.TestFlows.INTERNET_IP;
import static dev.flowtel.core.edge.TestFlows.flow;
import static dev.flowtel.core.edge.TestFlows.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.Direction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.wire.FlowEventSkimmer;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Given flows between pods behind Services, pods without one, a host-network pod and the internet,
 * requests and replies, on several ports and nodes, when they are skimmed off the wire (so their
 * endpoints are the skimmer's shared objects) and classified by endpoint identity, then every flow
 * is classified exactly as the plain classifier classifies it, on the first sight of a pair and
 * on every later one, and equal endpoints that are different objects change nothing.
 */
class SharedEndpointClassifierTest {

  private static final Endpoint PAYMENTS_0 = pod("payments-0", "StatefulSet", "payments", "node-b", List.of("payments", "billing"));
  private static final Endpoint BARE_POD = Endpoint.newBuilder().setKind(EndpointKind.POD).setNamespace("shop")
      .setPod("debug").setServices(List.of()).setLabels(Map.of()).setNode("node-a").setNetworkClass(NetworkClass.POD).build();
  private static final Endpoint HOST_AGENT = Endpoint.newBuilder().setKind(EndpointKind.POD).setNamespace("kube-system")
      .setPod("agent-x1").setWorkloadKind("DaemonSet").setWorkloadName("agent").setServices(List.of()).setLabels(Map.of())
      .setNode("node-a").setHostNetwork(true).setNetworkClass(NetworkClass.NODE).build();
  private static final byte[] PAYMENTS_0_IP = {10, (byte) 244, 2, 21};
  private static final byte[] BARE_POD_IP = {10, (byte) 244, 1, 40};
  private static final byte[] HOST_IP = {10, 0, 0, 1};

  private final WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);

  @Test
  void everySkimmedFlowIsClassifiedAsThePlainClassifierClassifiesIt() {
    FlowEventSkimmer skimmer = new FlowEventSkimmer();
    FlowClassifier plain = new FlowClassifier();
    SharedEndpointClassifier shared = new SharedEndpointClassifier(new FlowClassifier());
    List<byte[]> wire = wireFlows();
    int counted = 0;
    for (int pass = 0; pass < 2; pass++) {
      for (byte[] bytes : wire) {
        FlowEvent skimmed = skimmer.read(bytes);
        assertThat(skimmed).isNotNull();
        var expected = plain.classify(codec.decode(bytes).orElseThrow());
        assertThat(shared.classify(skimmed)).isEqualTo(expected);
        counted += expected.isPresent() ? 1 : 0;
      }
    }
    // Both orientations, several edges and some duplicates: the comparison covered real variety.
    assertThat(counted).isBetween(wire.size() / 4, wire.size() * 2 - 1);
  }

  @Test
  void equalEndpointsThatAreDifferentObjectsGiveTheSameEdge() {
    SharedEndpointClassifier shared = new SharedEndpointClassifier(new FlowClassifier());
    FlowEvent request = flow(FRONTEND_1, FRONTEND_1_IP, 41000, CHECKOUT_0, CHECKOUT_0_IP, 8080, "node-a", Direction.INGRESS, 1).build();
    FlowEvent first = codec.decode(codec.encode(request)).orElseThrow();
    FlowEvent second = codec.decode(codec.encode(request)).orElseThrow();
    assertThat(second.getSource()).isNotSameAs(first.getSource()).isEqualTo(first.getSource());

    var one = shared.classify(first).orElseThrow();
    var other = shared.classify(second).orElseThrow();

    assertThat(other).isEqualTo(one).isEqualTo(new FlowClassifier().classify(request).orElseThrow());
    assertThat(one.edgeKey()).isEqualTo("shop/Deployment/frontend>shop/Service/checkout:8080/6");
  }

  private List<byte[]> wireFlows() {
    Map<Endpoint, byte[]> ends = Map.of(FRONTEND_1, FRONTEND_1_IP, FRONTEND_2, FRONTEND_2_IP, CHECKOUT_0, CHECKOUT_0_IP,
        PAYMENTS_0, PAYMENTS_0_IP, BARE_POD, BARE_POD_IP, HOST_AGENT, HOST_IP, INTERNET, INTERNET_IP);
    List<byte[]> wire = new ArrayList<>();
    int second = 0;
    for (var from : ends.entrySet()) {
      for (var to : ends.entrySet()) {
        if (from.getKey() == to.getKey()) {
          continue;
        }
        for (int[] ports : new int[][] {{41000, 8080}, {8080, 41000}, {5432, 5433}, {41000, 53}}) {
          for (String node : List.of("node-a", "node-b")) {
            for (Direction direction : List.of(Direction.INGRESS, Direction.EGRESS)) {
              FlowEvent event = flow(from.getKey(), from.getValue(), ports[0], to.getKey(), to.getValue(), ports[1], node,
                  direction, second++).setBytes(100 + second).setPackets(2).build();
              wire.add(codec.encode(event));
            }
          }
        }
      }
    }
    return wire;
  }
}
