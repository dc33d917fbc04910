package dev.flowtel.collector.hubble;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.schema.Direction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.Verdict;
import dev.flowtel.schema.CommunityId;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One line of Cilium Hubble's flow export ({@code hubble observe -o jsonpb}, the Hubble exporter's
 * file, or a bare flow object as {@code -o json} prints it) to one {@link FlowEvent}. Field names
 * are those of Cilium's {@code flow.proto} as protojson writes them (proto names: {@code IP},
 * {@code l4.TCP.source_port}, {@code traffic_direction}, {@code drop_reason_desc}, ...).
 *
 * <p>Hubble reports events (roughly one per packet that hit a trace or drop point), not counted
 * flows, and carries no lengths. So each flow becomes one FlowEvent with {@code packets = 1},
 * {@code bytes = 0} (unknown, never guessed), {@code flowStart = flowEnd = time}; a DROPPED
 * verdict also sets {@code drops = 1}. Verdicts: FORWARDED, REDIRECTED (to the L7 proxy),
 * TRANSLATED and AUDIT (policy audit mode: would be dropped, was forwarded) map to FORWARDED;
 * DROPPED to DROPPED; ERROR, TRACED and unknown values to UNKNOWN. Policy names come from
 * {@code egress_allowed_by}, {@code ingress_allowed_by}, {@code egress_denied_by},
 * {@code ingress_denied_by}, as namespace/name (name alone for cluster-wide policies).
 * Thread-safe.
 */
public final class HubbleFlowMapper {

  /** A flow and the partition key that keeps both directions of its edge together. */
  public record HubbleFlow(FlowEvent flow, String partitionKey) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] POLICY_FIELDS = {"egress_allowed_by", "ingress_allowed_by", "egress_denied_by", "ingress_denied_by"};
  private static final String[] TCP_FLAGS = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
  private static final ThreadLocal<CommunityId> COMMUNITY_ID = ThreadLocal.withInitial(CommunityId::new);

  private final String defaultNode;

  /** @param defaultNode the node for flows that name none (--node-name) */
  public HubbleFlowMapper(String defaultNode) {
    this.defaultNode = defaultNode;
  }

  /**
   * The flow on this line, or empty for another kind of Hubble event (node_status, lost_events,
   * agent_event, debug_event) that carries no flow.
   *
   * @throws HubbleLineException when the line is not JSON or its flow lacks what a FlowEvent needs
   */
  public Optional<HubbleFlow> map(String line) throws HubbleLineException {
    JsonNode root;
    try {
      root = JSON.readTree(line);
    } catch (JacksonException e) {
      String why = e.getOriginalMessage();
      int noise = why.indexOf(" (start marker");
      throw new HubbleLineException("not JSON: " + (noise > 0 ? why.substring(0, noise) : why)
          + " at column " + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr()));
    }
    if (root == null || !root.isObject()) {
      throw new HubbleLineException("not a JSON object");
    }
    JsonNode flow = root.get("flow");
    if (flow == null) {
      if (root.has("IP") || root.has("verdict")) {
        flow = root; // a bare flow, as `hubble observe -o json` prints it
      } else {
        return Optional.empty();
      }
    }
    if (!flow.isObject()) {
      throw new HubbleLineException("\"flow\" is not an object");
    }
    return Optional.of(mapFlow(flow, text(root, "node_name")));
  }

  private HubbleFlow mapFlow(JsonNode flow, String outerNode) throws HubbleLineException {
    Instant time = time(flow);
    JsonNode ip = flow.get("IP");
    if (ip == null || !ip.isObject()) {
      throw new HubbleLineException("flow has no \"IP\" object (not an IP flow)");
    }
    byte[] src = address(ip, "source");
    byte[] dst = address(ip, "destination");
    if (src.length != dst.length) {
      throw new HubbleLineException("IP.source and IP.destination differ in family");
    }
    FlowEvent.Builder b = FlowEvent.newBuilder()
        .setFlowStart(time).setFlowEnd(time)
        .setNode(firstNonEmpty(text(flow, "node_name"), outerNode, defaultNode))
        .setIpVersion(src.length == 4 ? 4 : 6)
        .setSrcAddr(ByteBuffer.wrap(src)).setDstAddr(ByteBuffer.wrap(dst))
        .setPackets(1).setBytes(0)
        .setDirection(direction(text(flow, "traffic_direction")))
        .setPolicyNames(policyNames(flow));
    JsonNode iface = flow.get("interface");
    if (iface != null && iface.isObject()) {
      b.setInterfaceName(text(iface, "name"));
      if (iface.hasNonNull("index")) {
        b.setInterfaceIndex(iface.get("index").asInt());
      }
    }
    int srcPort = 0;
    int dstPort = 0;
    int protocol;
    JsonNode l4 = flow.get("l4");
    if (l4 == null || !l4.isObject() || l4.isEmpty()) {
      throw new HubbleLineException("flow has no \"l4\" object (protocol unknown)");
    }
    if (l4.has("TCP")) {
      JsonNode tcp = l4.get("TCP");
      protocol = 6;
      srcPort = port(tcp, "source_port");
      dstPort = port(tcp, "destination_port");
      b.setTcpFlags(tcpFlags(tcp.get("flags")));
    } else if (l4.has("UDP")) {
      protocol = 17;
      srcPort = port(l4.get("UDP"), "source_port");
      dstPort = port(l4.get("UDP"), "destination_port");
    } else if (l4.has("SCTP")) {
      protocol = 132;
      srcPort = port(l4.get("SCTP"), "source_port");
      dstPort = port(l4.get("SCTP"), "destination_port");
    } else if (l4.has("ICMPv4") || l4.has("ICMPv6")) {
      boolean v4 = l4.has("ICMPv4");
      JsonNode icmp = l4.get(v4 ? "ICMPv4" : "ICMPv6");
      protocol = v4 ? CommunityId.ICMP : CommunityId.ICMPV6;
      b.setIcmpType(icmp.path("type").asInt(0)).setIcmpCode(icmp.path("code").asInt(0));
    } else {
      throw new HubbleLineException("l4 has none of TCP, UDP, SCTP, ICMPv4, ICMPv6: " + l4.fieldNames().next());
    }
    b.setProtocol(protocol).setSrcPort(srcPort).setDstPort(dstPort);

    Verdict verdict = verdict(text(flow, "verdict"));
    b.setVerdict(verdict);
    if (verdict == Verdict.DROPPED) {
      b.setDrops(1);
      String reason = dropReason(flow.get("drop_reason_desc"));
      b.setDropReason(reason);
    }
    if (protocol == CommunityId.ICMP || protocol == CommunityId.ICMPV6) {
      b.setCommunityId(COMMUNITY_ID.get().of(src, dst, protocol, b.getIcmpType(), b.getIcmpCode()));
    } else {
      b.setCommunityId(COMMUNITY_ID.get().of(src, dst, protocol, srcPort, dstPort));
    }

    Endpoint source = endpoint(flow.get("source"), flow.get("source_service"), src);
    Endpoint destination = endpoint(flow.get("destination"), flow.get("destination_service"), dst);
    b.setSource(source).setDestination(destination);

    boolean reply = flow.path("is_reply").asBoolean(false);
    String client = identity(reply ? destination : source, reply ? dst : src);
    String server = identity(reply ? source : destination, reply ? src : dst);
    int serverPort = protocol == CommunityId.ICMP || protocol == CommunityId.ICMPV6 ? 0 : reply ? srcPort : dstPort;
    return new HubbleFlow(b.build(), client + ">" + server + ":" + serverPort + "/" + protocol);
  }

  private static Instant time(JsonNode flow) throws HubbleLineException {
    String time = text(flow, "time");
    if (time == null) {
      throw new HubbleLineException("flow has no \"time\"");
    }
    try {
      return Instant.parse(time);
    } catch (DateTimeParseException e) {
      throw new HubbleLineException("flow time \"" + time + "\" is not an RFC 3339 timestamp");
    }
  }

  private static byte[] address(JsonNode ip, String field) throws HubbleLineException {
    String literal = text(ip, field);
    if (literal == null) {
      throw new HubbleLineException("IP." + field + " is missing");
    }
    try {
      return InetAddress.ofLiteral(literal).getAddress();
    } catch (IllegalArgumentException e) {
      throw new HubbleLineException("IP." + field + " \"" + literal + "\" is not an IP address");
    }
  }

  private static int port(JsonNode l4, String field) throws HubbleLineException {
    JsonNode port = l4.get(field);
    if (port == null) {
      return 0; // protojson leaves out zero values
    }
    int value = port.asInt(-1);
    if (!port.canConvertToInt() || value < 0 || value > 65535) {
      throw new HubbleLineException("l4 " + field + " " + port + " is not a port number");
    }
    return value;
  }

  private static int tcpFlags(JsonNode flags) {
    int bits = 0;
    if (flags != null && flags.isObject()) {
      for (int i = 0; i < TCP_FLAGS.length; i++) {
        if (flags.path(TCP_FLAGS[i]).asBoolean(false)) {
          bits |= 1 << i;
        }
      }
    }
    return bits;
  }

  static Verdict verdict(String verdict) {
    if (verdict == null) {
      return Verdict.UNKNOWN;
    }
    return switch (verdict) {
      case "FORWARDED", "REDIRECTED", "TRANSLATED", "AUDIT" -> Verdict.FORWARDED;
      case "DROPPED" -> Verdict.DROPPED;
      default -> Verdict.UNKNOWN;
    };
  }

  private static Direction direction(String direction) {
    if ("INGRESS".equals(direction)) {
      return Direction.INGRESS;
    }
    return "EGRESS".equals(direction) ? Direction.EGRESS : Direction.UNKNOWN;
  }

  private static String dropReason(JsonNode reason) {
    if (reason == null || reason.isNull()) {
      return null;
    }
    String text = reason.isNumber() ? "DROP_REASON_" + reason.asInt() : reason.asText();
    return text.isEmpty() || text.equals("DROP_REASON_UNKNOWN") ? null : text;
  }

  private static List<String> policyNames(JsonNode flow) {
    Set<String> names = new LinkedHashSet<>();
    for (String field : POLICY_FIELDS) {
      JsonNode list = flow.get(field);
      if (list != null && list.isArray()) {
        for (JsonNode policy : list) {
          String name = text(policy, "name");
          if (name != null) {
            String namespace = text(policy, "namespace");
            names.add(namespace == null ? name : namespace + "/" + name);
          }
        }
      }
    }
    return new ArrayList<>(names);
  }

  private static Endpoint endpoint(JsonNode endpoint, JsonNode service, byte[] address) {
    if (endpoint == null || !endpoint.isObject()) {
      return null;
    }
    Endpoint.Builder b = Endpoint.newBuilder();
    String namespace = text(endpoint, "namespace");
    String pod = text(endpoint, "pod_name");
    b.setNamespace(namespace).setPod(pod);
    Set<String> reserved = new LinkedHashSet<>();
    Map<String, String> labels = new LinkedHashMap<>();
    JsonNode labelList = endpoint.get("labels");
    if (labelList != null && labelList.isArray()) {
      for (JsonNode label : labelList) {
        String l = label.asText();
        if (l.startsWith("reserved:")) {
          reserved.add(l.substring("reserved:".length()));
        } else if (l.startsWith("k8s:")) {
          String kv = l.substring(4);
          int eq = kv.indexOf('=');
          String key = eq < 0 ? kv : kv.substring(0, eq);
          // Cilium adds its own bookkeeping labels to every pod; they are not the pod's labels.
          if (!key.startsWith("io.cilium.") && !key.equals("io.kubernetes.pod.namespace")) {
            labels.put(key, eq < 0 ? "" : kv.substring(eq + 1));
          }
        }
      }
    }
    b.setLabels(labels);
    JsonNode workloads = endpoint.get("workloads");
    if (workloads != null && workloads.isArray() && !workloads.isEmpty()) {
      b.setWorkloadKind(text(workloads.get(0), "kind")).setWorkloadName(text(workloads.get(0), "name"));
    } else if (pod != null) {
      b.setWorkloadKind("Pod").setWorkloadName(pod);
    }
    EndpointKind kind;
    NetworkClass networkClass;
    if (pod != null) {
      kind = EndpointKind.POD;
      networkClass = NetworkClass.POD;
    } else if (reserved.contains("host") || reserved.contains("remote-node") || reserved.contains("kube-apiserver")) {
      kind = EndpointKind.HOST;
      networkClass = NetworkClass.NODE;
      b.setHostNetwork(reserved.contains("host"));
    } else if (reserved.stream().anyMatch(r -> r.startsWith("world"))) {
      kind = EndpointKind.EXTERNAL;
      networkClass = externalClass(address);
    } else {
      kind = EndpointKind.UNKNOWN;
      networkClass = NetworkClass.UNKNOWN;
    }
    b.setKind(kind).setNetworkClass(networkClass);
    if (service != null && service.isObject()) {
      String serviceName = text(service, "name");
      String serviceNamespace = text(service, "namespace");
      if (serviceName != null && (namespace == null || namespace.equals(serviceNamespace))) {
        b.setServices(List.of(serviceName));
      }
    }
    return b.build();
  }

  private static NetworkClass externalClass(byte[] address) {
    try {
      InetAddress a = InetAddress.getByAddress(address);
      if (a.isLoopbackAddress()) {
        return NetworkClass.LOOPBACK;
      }
      boolean uniqueLocal = a instanceof Inet6Address && (address[0] & 0xFE) == 0xFC;
      boolean carrierNat = a instanceof Inet4Address && (address[0] & 0xFF) == 100 && (address[1] & 0xC0) == 64;
      return a.isSiteLocalAddress() || uniqueLocal || carrierNat || a.isLinkLocalAddress() ? NetworkClass.PRIVATE : NetworkClass.PUBLIC;
    } catch (java.net.UnknownHostException e) {
      return NetworkClass.UNKNOWN;
    }
  }

  /** namespace/workload, namespace/pod, or the address: who an edge connects. */
  private static String identity(Endpoint endpoint, byte[] address) {
    if (endpoint != null && endpoint.getWorkloadName() != null) {
      return (endpoint.getNamespace() == null ? "" : endpoint.getNamespace() + "/") + endpoint.getWorkloadKind() + "/" + endpoint.getWorkloadName();
    }
    try {
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return "?";
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull() || value.isContainerNode()) {
      return null;
    }
    String text = value.asText();
    return text.isEmpty() ? null : text;
  }

  private static String firstNonEmpty(String... values) {
    for (String v : values) {
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return "unknown";
  }
}
