package dev.flowtel.core.edge;

import static dev.flowtel.core.edge.TestFlows.CHECKOUT_0;
import static dev.flowtel.core.edge.TestFlows.CHECKOUT_0_IP;
import static dev.flowtel.core.edge.TestFlows.FRONTEND_1;
import static dev.flowtel.core.edge.TestFlows.FRONTEND_1_IP;
import static dev.flowtel.core.edge.TestFlows.INTERNET;
import static dev.flowtel.core.edge.TestFlows.INTERNET_IP;
import static dev.flowtel.core.edge.TestFlows.flow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.Direction;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.NetworkClass;
import org.junit.jupiter.api.Test;

class FlowClassifierTest {

  private final FlowClassifier classifier = new FlowClassifier();
  private static final String FRONTEND_TO_CHECKOUT = "shop/Deployment/frontend>shop/Service/checkout:8080/6";

  @Test
  void aRequestAcrossNodesCountsOnlyAtTheSendersVethIngress() {
    FlowEvent atSender = flow(FRONTEND_1, FRONTEND_1_IP, 41000, CHECKOUT_0, CHECKOUT_0_IP, 8080, "node-a", Direction.INGRESS, 1).build();
    FlowEvent atSenderUplink = flow(FRONTEND_1, FRONTEND_1_IP, 41000, CHECKOUT_0, CHECKOUT_0_IP, 8080, "node-a", Direction.EGRESS, 1).build();
    FlowEvent atReceiverUplink = flow(FRONTEND_1, FRONTEND_1_IP, 41000, CHECKOUT_0, CHECKOUT_0_IP, 8080, "node-b", Direction.INGRESS, 1).build();
    FlowEvent atReceiverVeth = flow(FRONTEND_1, FRONTEND_1_IP, 41000, CHECKOUT_0, CHECKOUT_0_IP, 8080, "node-b", Direction.EGRESS, 1).build();

    assertThat(classifier.classify(atSender)).get().satisfies(c -> {
      assertThat(c.edgeKey()).isEqualTo(FRONTEND_TO_CHECKOUT);
      assertThat(c.reply()).isFalse();
    });
    assertThat(classifier.classify(atSenderUplink)).isEmpty();
    assertThat(classifier.classify(atReceiverUplink)).isEmpty();
    assertThat(classifier.classify(atReceiverVeth)).isEmpty();
  }

  @Test
  void theReplyLandsOnTheSameEdgeAndConnection() {
    FlowEvent request = flow(FRONTEND_1, FRONTEND_1_IP, 41000, CHECKOUT_0, CHECKOUT_0_IP, 8080, "node-a", Direction.INGRESS, 1).build();
    FlowEvent reply = flow(CHECKOUT_0, CHECKOUT_0_IP, 8080, FRONTEND_1, FRONTEND_1_IP, 41000, "node-b", Direction.INGRESS, 1).build();
    ClassifiedFlow req = classifier.classify(request).orElseThrow();
    ClassifiedFlow rep = classifier.classify(reply).orElseThrow();
    assertThat(rep.reply()).isTrue();
    assertThat(rep.edgeKey()).isEqualTo(req.edgeKey());
    assertThat(rep.connectionId()).isEqualTo(req.connectionId());
    assertThat(rep.clientPodId()).isEqualTo(req.clientPodId()).isNotZero();
  }

  @Test
  void withoutServicesTheEphemeralPortMarksTheClient() {
    FlowEvent toInternet = flow(FRONTEND_1, FRONTEND_1_IP, 50123, INTERNET, INTERNET_IP, 443, "node-a", Direction.INGRESS, 1).build();
    ClassifiedFlow c = classifier.classify(toInternet).orElseThrow();
    assertThat(c.reply()).isFalse();
    assertThat(c.edge()).isEqualTo(new ServiceEdge(new EdgeEnd("shop", "Deployment", "frontend", NetworkClass.POD),
        new EdgeEnd(null, "External", "PUBLIC", NetworkClass.PUBLIC), 443, Protocols.TCP));
    assertThat(c.edgeKey()).isEqualTo("shop/Deployment/frontend>-/External/PUBLIC:443/6");
    assertThat(ServiceEdge.fromKey(c.edgeKey())).isEqualTo(c.edge());

    // The answer comes in from the internet through node-a's uplink: counted there, as a reply.
    FlowEvent answer = flow(INTERNET, INTERNET_IP, 443, FRONTEND_1, FRONTEND_1_IP, 50123, "node-a", Direction.INGRESS, 1).build();
    assertThat(classifier.classify(answer)).get().satisfies(a -> {
      assertThat(a.reply()).isTrue();
      assertThat(a.edgeKey()).isEqualTo(c.edgeKey());
    });
    FlowEvent answerAtVeth = flow(INTERNET, INTERNET_IP, 443, FRONTEND_1, FRONTEND_1_IP, 50123, "node-a", Direction.EGRESS, 1).build();
    assertThat(classifier.classify(answerAtVeth)).isEmpty();
  }

  @Test
  void twoEphemeralPortsFallBackToTheLowerPortAsServer() {
    FlowEvent toLowerPort = flow(FRONTEND_1, FRONTEND_1_IP, 45000, INTERNET, INTERNET_IP, 40000, "node-a", Direction.INGRESS, 1).build();
    FlowEvent fromLowerPort = flow(INTERNET, INTERNET_IP, 40000, FRONTEND_1, FRONTEND_1_IP, 45000, "node-a", Direction.INGRESS, 1).build();
    assertThat(ConnectionRole.isReply(toLowerPort)).isFalse();
    assertThat(ConnectionRole.isReply(fromLowerPort)).isTrue();
  }

  @Test
  void icmpEchoRepliesAreReplies() {
    FlowEvent echo = flow(FRONTEND_1, FRONTEND_1_IP, 0, INTERNET, INTERNET_IP, 0, "node-a", Direction.INGRESS, 1)
        .setProtocol(Protocols.ICMP).setIcmpType(8).setIcmpCode(0).build();
    FlowEvent echoReply = flow(INTERNET, INTERNET_IP, 0, FRONTEND_1, FRONTEND_1_IP, 0, "node-a", Direction.INGRESS, 1)
        .setProtocol(Protocols.ICMP).setIcmpType(0).setIcmpCode(0).build();
    ClassifiedFlow request = classifier.classify(echo).orElseThrow();
    ClassifiedFlow reply = classifier.classify(echoReply).orElseThrow();
    assertThat(request.reply()).isFalse();
    assertThat(reply.reply()).isTrue();
    assertThat(reply.edgeKey()).isEqualTo(request.edgeKey()).isEqualTo("shop/Deployment/frontend>-/External/PUBLIC:0/1");
    assertThat(reply.connectionId()).isEqualTo(request.connectionId());
  }

  @Test
  void aHostNetworkSenderOnTheReceiversNodeCountsAtTheReceivingVethEgress() {
    var kubelet = dev.flowtel.schema.Endpoint.newBuilder().setKind(dev.flowtel.schema.EndpointKind.HOST).setNode("node-b")
        .setNetworkClass(NetworkClass.NODE).build();
    byte[] nodeIp = {10, 0, 0, 2};
    FlowEvent probe = flow(kubelet, nodeIp, 52000, CHECKOUT_0, CHECKOUT_0_IP, 8080, "node-b", Direction.EGRESS, 1).build();
    assertThat(classifier.classify(probe)).get().extracting(ClassifiedFlow::edgeKey)
        .isEqualTo("-/Node/node-b>shop/Service/checkout:8080/6");
  }
}
