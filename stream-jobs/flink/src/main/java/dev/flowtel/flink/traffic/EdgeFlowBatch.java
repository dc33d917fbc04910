package dev.flowtel.flink.traffic;

import dev.flowtel.core.edge.ClassifiedFlow;
import java.util.List;

/**
 * Flows of one service edge whose event times fall in one pane (a span no window boundary
 * crosses), in the order the source task read them: what crosses the shuffle instead of single
 * flows, so the edge key is hashed, sent and looked up in window state once per batch.
 */
public record EdgeFlowBatch(String edgeKey, long paneStartMillis, List<ClassifiedFlow> flows) {

  public EdgeFlowBatch {
    if (flows.isEmpty()) {
      throw new IllegalArgumentException("an edge flow batch holds at least one flow");
    }
  }
}
