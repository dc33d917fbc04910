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

  /**
   * The edge of a {@link #key()}. Kubernetes names never contain {@code / : >}, so the key splits
   * unambiguously; network classes follow from the kinds, as {@link EdgeEnd} assigns them.
   */
  public static ServiceEdge fromKey(String key) {
    int arrow = key.indexOf('>');
    int colon = key.lastIndexOf(':');
    int slash = key.lastIndexOf('/');
    if (arrow < 0 || colon < arrow || slash < colon) {
      throw new IllegalArgumentException("not a service edge key: " + key);
    }
    return new ServiceEdge(EdgeEnd.fromKey(key.substring(0, arrow)), EdgeEnd.fromKey(key.substring(arrow + 1, colon)),
        Integer.parseInt(key.substring(colon + 1, slash)), Integer.parseInt(key.substring(slash + 1)));
  }
}
