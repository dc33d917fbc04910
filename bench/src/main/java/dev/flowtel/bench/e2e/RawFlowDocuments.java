package dev.flowtel.bench.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.edge.ObservationPoint;
import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.core.traffic.FailedAttempts;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.sink.elasticsearch.document.FlowDocuments;
import dev.flowtel.sink.elasticsearch.document.TrafficDocuments;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.sink.elasticsearch.index.IndexTemplates;
import java.util.HashMap;
import java.util.Map;

/**
 * The raw path's document of one flow: the sink's ECS flow document ({@link FlowDocuments}, every
 * flow, no sampling) plus two fields that let Elasticsearch answer "top edges by bytes" with one
 * terms aggregation: {@code flowtel.edge.name} (the edge the traffic job would put the flow on,
 * spelled as traffic documents spell it) and {@code flowtel.flow.counted} (whether this
 * observation point is the one that counts the packets, see {@link ObservationPoint}). A Hubble or
 * Calico exporter gives neither; precomputing them at ingest is the cheapest query the raw path
 * can have, so the comparison favours the raw path, not Flowtel.
 */
final class RawFlowDocuments {

  static final String EDGE_FIELD = "flowtel.edge.name";
  static final String COUNTED_FIELD = "flowtel.flow.counted";

  private final FlowDocuments flows = new FlowDocuments(IndexNames.defaults(), 1);
  private final FlowClassifier classifier = new FlowClassifier();
  private final Map<String, String> edgeNames = new HashMap<>();

  /** The document's source; the index and the id are Elasticsearch's choice (append-only, as an exporter writes). */
  Map<String, Object> source(FlowEvent flow) {
    Map<String, Object> source = flows.build(flow).source();
    ClassifiedFlow classified = FailedAttempts.onTrafficEdge(classifier.classifyCounted(flow));
    @SuppressWarnings("unchecked")
    Map<String, Object> flowtel = (Map<String, Object>) source.get("flowtel");
    flowtel.put("edge", Map.of("name", edgeNames.computeIfAbsent(classified.edgeKey(), RawFlowDocuments::edgeName)));
    @SuppressWarnings("unchecked")
    Map<String, Object> flowFields = (Map<String, Object>) flowtel.get("flow");
    flowFields.put("counted", ObservationPoint.counts(flow));
    return source;
  }

  static String edgeName(String edgeKey) {
    ServiceEdge edge = ServiceEdge.fromKey(edgeKey);
    return TrafficDocuments.edgeName(edge.source().toAvro(), edge.destination().toAvro(), edge.protocol(),
        ServiceEdge.portKey(edge.destinationPort(), edge.portsFolded()));
  }

  /** The raw index's mapping: the flows template's (strict ECS, keywords) plus the two fields above. */
  static ObjectNode mappings() {
    ObjectNode mappings = IndexTemplates.effectiveMappings(IndexNames.Kind.FLOWS);
    ObjectNode flowtel = (ObjectNode) mappings.path("properties").path("flowtel").path("properties");
    flowtel.putObject("edge").putObject("properties").putObject("name").put("type", "keyword");
    ((ObjectNode) flowtel.path("flow").path("properties")).putObject("counted").put("type", "boolean");
    return mappings;
  }
}
