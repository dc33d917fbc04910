package dev.flowtel.core.edge;

import java.util.Objects;

/**
 * Who calls whom: a source workload (or external class) calling a destination Service (or
 * workload, when no Service fronts it) on one port and L4 protocol. The unit of aggregation.
 */
public record ServiceEdge(EdgeEnd source, EdgeEnd destination, int destinationPort, int protocol) {

  public ServiceEdge {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
  }

  /**
   * A stable text key, e.g. {@code shop/Deployment/frontend>shop/Service/checkout:8080/6}: the
   * Kafka key of edge records, the engines' grouping key (its hash is the same in every JVM, unlike
   * a record holding enums) and the stem of Elasticsearch document ids.
   */
  public String key() {
    return source.key() + '>' + destination.key() + ':' + destinationPort + '/' + protocol;
  }
}
