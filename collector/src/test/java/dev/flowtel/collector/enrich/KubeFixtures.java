package dev.flowtel.collector.enrich;

import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.FlowEvent;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Kubernetes objects and flows as the scenario tests write them. */
final class KubeFixtures {

  private KubeFixtures() {}

  static OwnerReference owner(String apiVersion, String kind, String name) {
    return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind).withName(name).withUid(kind + "-" + name)
        .withController(true).build();
  }

  /** A running pod with one container port per {@code ports} entry ("name:port" or ":port"). */
  static Pod pod(String namespace, String name, Map<String, String> labels, OwnerReference owner, String node, String ip,
      String hostIp, Instant started, String... ports) {
    PodBuilder b = new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels)
        .withUid(namespace + "-" + name + "-" + started.toEpochMilli()).endMetadata();
    if (owner != null) {
      b.editMetadata().withOwnerReferences(owner).endMetadata();
    }
    var container = b.withNewSpec().withNodeName(node).addNewContainer().withName("main").withImage("app");
    for (String port : ports) {
      String[] p = port.split(":");
      container.addNewPort().withName(p[0].isEmpty() ? null : p[0]).withContainerPort(Integer.parseInt(p[1]))
          .withProtocol("TCP").endPort();
    }
    b = container.endContainer().endSpec();
    return b.withNewStatus().withPhase("Running").withPodIP(ip).addNewPodIP(ip).withHostIP(hostIp).addNewHostIP(hostIp)
        .withStartTime(started.toString()).endStatus().build();
  }

  static Pod hostNetwork(Pod pod) {
    return new PodBuilder(pod).editSpec().withHostNetwork(true).endSpec().build();
  }

  static Service service(String namespace, String name, String clusterIp, Map<String, String> selector, int port,
      IntOrString target) {
    return new ServiceBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata().withNewSpec()
        .withClusterIP(clusterIp).withClusterIPs(clusterIp).withSelector(selector)
        .withPorts(new ServicePortBuilder().withName("main").withPort(port).withTargetPort(target).withProtocol("TCP").build())
        .endSpec().build();
  }

  static EndpointSlice slice(String namespace, String name, String service, int port, String... addresses) {
    var b = new EndpointSliceBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .withLabels(Map.of(KubeObjects.SERVICE_NAME_LABEL, service)).endMetadata().withAddressType("IPv4");
    for (String a : addresses) {
      b.addNewEndpoint().withAddresses(a).endEndpoint();
    }
    return b.addNewPort().withName("main").withPort(port).withProtocol("TCP").endPort().build();
  }

  /** A TCP flow from src:srcPort to dst:dstPort seen from {@code start} to {@code end}. */
  static FlowEvent flow(String src, int srcPort, String dst, int dstPort, Instant start, Instant end) {
    return FlowEvent.newBuilder().setFlowStart(start).setFlowEnd(end).setNode("node-1").setIpVersion(4)
        .setSrcAddr(ByteBuffer.wrap(bytes(src))).setDstAddr(ByteBuffer.wrap(bytes(dst))).setSrcPort(srcPort)
        .setDstPort(dstPort).setProtocol(6).setBytes(100).setPackets(1).build();
  }

  static byte[] bytes(String ip) {
    IpAddress a = IpAddress.parse(ip);
    return ByteBuffer.allocate(4).putInt((int) a.low()).array();
  }

  static List<String> list(String... s) {
    return List.of(s);
  }
}
