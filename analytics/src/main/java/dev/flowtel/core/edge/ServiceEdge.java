package dev.flowtel.core.edge;

import java.util.Objects;

/**
 * Who calls whom: a source workload (or external class) calling a destination Service (or
 * workload, when no Service fronts it) on one port and L4 protocol. The unit of aggregation.
 *
 * <p>A client's failed connection attempts to a destination are one edge whatever ports they
 * tried (see {@code core.traffic.FailedAttempts}): its port is {@link #ANY_PORT}, spelled {@code *}
 * in keys, so a scan of 2,000 ports costs one edge, not 2,000.
 */
public record ServiceEdge(EdgeEnd source, EdgeEnd destination, int destinationPort, int protocol) {

  /** The port of an edge of failed attempts, which stands for every port the client tried. */
  public static final int ANY_PORT = -1;
  private static final String ANY_PORT_KEY = "*";

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
    return source.key() + '>' + destination.key() + ':' + portKey(destinationPort, portsFolded()) + '/' + protocol;
  }

  /** True for the edge of a client's failed attempts to a destination, on {@link #ANY_PORT}. */
  public boolean portsFolded() {
    return destinationPort == ANY_PORT;
  }

  /** The same client, destination and protocol with every port folded into {@link #ANY_PORT}. */
  public ServiceEdge withPortsFolded() {
    return new ServiceEdge(source, destination, ANY_PORT, protocol);
  }

  /** A destination port as keys spell it: the number, or {@code *} for folded ports. */
  public static String portKey(int destinationPort, boolean portsFolded) {
    return portsFolded ? ANY_PORT_KEY : Integer.toString(destinationPort);
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
        port(key.substring(colon + 1, slash)), Integer.parseInt(key.substring(slash + 1)));
  }

  private static int port(String text) {
    return text.equals(ANY_PORT_KEY) ? ANY_PORT : Integer.parseInt(text);
  }
}
