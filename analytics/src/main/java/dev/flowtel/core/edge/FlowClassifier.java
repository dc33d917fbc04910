package dev.flowtel.core.edge;

import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Turns a FlowEvent into the {@link ClassifiedFlow} of its service edge, or nothing when this
 * observation point is a duplicate ({@link ObservationPoint}). Request and reply of one connection
 * land on the same edge ({@link ConnectionRole}). Thread-safe.
 *
 * <p>Edge keys and pod ids are memoised: a cluster has thousands of edges and pods but every one
 * recurs in millions of flows, and one key string per edge also makes hashing it downstream (key
 * groups, window state) a cached lookup instead of a pass over its characters.
 */
public final class FlowClassifier {

  /** Far above a cluster's edges, pods or pairs of endpoints; reaching it only restarts a memo. */
  private static final int MEMO_LIMIT = 1 << 17;

  private final Map<ServiceEdge, String> edgeKeys = new ConcurrentHashMap<>();
  private final Map<PodRef, Long> podIds = new ConcurrentHashMap<>();

  private record PodRef(String namespace, String pod) {}

  /** Empty when the observation does not count; see {@link ObservationPoint}. */
  public Optional<ClassifiedFlow> classify(FlowEvent flow) {
    if (!ObservationPoint.counts(flow)) {
      return Optional.empty();
    }
    return Optional.of(classifyCounted(flow));
  }

  /** Classifies without the observation-point check, for sources that report each flow once. */
  public ClassifiedFlow classifyCounted(FlowEvent flow) {
    boolean reply = ConnectionRole.isReply(flow);
    Endpoint client = reply ? flow.getDestination() : flow.getSource();
    int serverPort = reply ? flow.getSrcPort() : flow.getDstPort();
    return classified(flow, reply, edgeKey(client, reply ? flow.getSource() : flow.getDestination(), serverPort,
        flow.getProtocol()), memoisedPodId(client));
  }

  /** The edge key of a client calling a server on a port and protocol; the flow's numbers are not needed. */
  String edgeKey(Endpoint client, Endpoint server, int serverPort, int protocol) {
    return memoised(edgeKeys, new ServiceEdge(EdgeEnd.client(client), EdgeEnd.server(server), serverPort, protocol),
        ServiceEdge::key);
  }

  /** The flow on its edge, once its orientation, edge key and client pod id are known. */
  static ClassifiedFlow classified(FlowEvent flow, boolean reply, String edgeKey, long clientPodId) {
    int serverPort = reply ? flow.getSrcPort() : flow.getDstPort();
    long connectionId = reply
        ? connectionId(flow.getDstAddr(), flow.getSrcAddr(), flow.getDstPort(), flow.getSrcPort(), flow.getProtocol())
        : connectionId(flow.getSrcAddr(), flow.getDstAddr(), flow.getSrcPort(), flow.getDstPort(), flow.getProtocol());
    Long rtt = flow.getTcpRttMicros();
    return new ClassifiedFlow(edgeKey, flow.getProtocol(), flow.getFlowEnd().toEpochMilli(), reply, connectionId,
        clientPodId, flow.getBytes(), flow.getPackets(), flow.getTcpFlags(), flow.getDrops(), rtt == null ? -1 : rtt,
        serverPort, addressId(reply ? flow.getSrcAddr() : flow.getDstAddr()));
  }

  /**
   * A 64-bit id of an address for distinct counts, equal in every JVM. Its bytes are packed into
   * words whole, unlike {@link #connectionId}'s address hash (base 31 over bytes, so 10.1.0.31 and
   * 10.1.1.0 hash alike there), which stays as it is because engine state holds connection ids.
   */
  public static long addressId(ByteBuffer address) {
    int start = address.position();
    int length = address.remaining();
    long h = Hashing.mix(Hashing.SEED, length);
    long word = 0;
    for (int i = 0; i < length; i++) {
      word = (word << 8) | (address.get(start + i) & 0xFF);
      if ((i & 7) == 7) {
        h = Hashing.mix(h, word);
        word = 0;
      }
    }
    return Hashing.finish(Hashing.mix(h, word));
  }

  /** Hash of a connection's client and server address and port and its protocol; 64 bits make collisions negligible. */
  public static long connectionId(ByteBuffer clientAddr, ByteBuffer serverAddr, int clientPort, int serverPort, int protocol) {
    long h = Hashing.SEED;
    h = Hashing.mix(h, addressHash(clientAddr));
    h = Hashing.mix(h, addressHash(serverAddr));
    h = Hashing.mix(h, ((long) clientPort << 32) | ((long) serverPort << 8) | protocol);
    return Hashing.finish(h);
  }

  private static long addressHash(ByteBuffer address) {
    long h = address.remaining();
    int start = address.position();
    for (int i = 0; i < address.remaining(); i++) {
      h = h * 31 + (address.get(start + i) & 0xFF);
      if ((i & 7) == 7) {
        h = Hashing.mix(Hashing.SEED, h);
      }
    }
    return h;
  }

  long memoisedPodId(Endpoint endpoint) {
    if (endpoint == null || endpoint.getKind() != EndpointKind.POD || endpoint.getPod() == null) {
      return 0;
    }
    return memoised(podIds, new PodRef(endpoint.getNamespace(), endpoint.getPod()), pod -> podId(endpoint));
  }

  /** The memo's value for {@code key}, computed on a miss; a memo at its limit is cleared first, never grown. */
  static <K, V> V memoised(Map<K, V> memo, K key, Function<K, V> compute) {
    V value = memo.get(key);
    if (value == null) {
      if (memo.size() >= MEMO_LIMIT) {
        memo.clear();
      }
      value = compute.apply(key);
      memo.put(key, value);
    }
    return value;
  }

  static long podId(Endpoint endpoint) {
    if (endpoint == null || endpoint.getKind() != EndpointKind.POD || endpoint.getPod() == null) {
      return 0;
    }
    return Hashing.ofString((endpoint.getNamespace() == null ? "" : endpoint.getNamespace()) + '/' + endpoint.getPod());
  }
}
