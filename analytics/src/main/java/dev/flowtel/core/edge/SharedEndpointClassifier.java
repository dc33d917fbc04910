package dev.flowtel.core.edge;

import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.FlowEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Classifies as {@link FlowClassifier} does, for flows whose endpoints are shared objects that
 * never change once handed out: {@code FlowEventSkimmer} hands out one {@link Endpoint} per
 * distinct encoding, so the pair of objects a flow carries names its edge. The edge key and the
 * client's pod id are then found by the two objects' identity, instead of building and hashing a
 * {@link ServiceEdge} and a pod reference per flow, which was a seventh of the Flink traffic job's
 * time. Results are equal to the plain classifier's: a pair seen for the first time is classified by
 * it. Not thread-safe: one per reading thread, as the skimmer.
 */
public final class SharedEndpointClassifier {

  private final Map<EndpointPair, PairEdge> edges = new HashMap<>();
  /** One function for every miss, so a hit allocates nothing for it. */
  private final Function<EndpointPair, PairEdge> classifyPair;

  /** Identity, not value: two equal endpoints that are different objects are two entries, never a wrong one. */
  private record EndpointPair(Endpoint client, Endpoint server, int serverPort, int protocol) {
    @Override
    public boolean equals(Object other) {
      return other instanceof EndpointPair pair && pair.client == client && pair.server == server
          && pair.serverPort == serverPort && pair.protocol == protocol;
    }

    @Override
    public int hashCode() {
      return ((System.identityHashCode(client) * 31 + System.identityHashCode(server)) * 31 + serverPort) * 31 + protocol;
    }
  }

  private record PairEdge(String edgeKey, long clientPodId) {}

  /** Shares the plain classifier's memo of edge keys, so both hand out one key string per edge. */
  public SharedEndpointClassifier(FlowClassifier classifier) {
    this.classifyPair = pair -> new PairEdge(classifier.edgeKey(pair.client(), pair.server(), pair.serverPort(), pair.protocol()),
        classifier.memoisedPodId(pair.client()));
  }

  /** Empty when the observation does not count; see {@link ObservationPoint}. */
  public Optional<ClassifiedFlow> classify(FlowEvent flow) {
    if (!ObservationPoint.counts(flow)) {
      return Optional.empty();
    }
    boolean reply = ConnectionRole.isReply(flow);
    Endpoint client = reply ? flow.getDestination() : flow.getSource();
    Endpoint server = reply ? flow.getSource() : flow.getDestination();
    EndpointPair pair = new EndpointPair(client, server, reply ? flow.getSrcPort() : flow.getDstPort(), flow.getProtocol());
    PairEdge edge = FlowClassifier.memoised(edges, pair, classifyPair);
    return Optional.of(FlowClassifier.classified(flow, reply, edge.edgeKey(), edge.clientPodId()));
  }
}
