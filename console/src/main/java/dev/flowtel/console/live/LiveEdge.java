package dev.flowtel.console.live;

/**
 * A service edge seen on the traffic topic, with the id and name its Elasticsearch documents carry,
 * so a live edge and its history are one edge to the page.
 *
 * @param id {@code flowtel.edge.id}
 * @param name {@code flowtel.edge.name}
 * @param port the destination port; null for the edge of a client's failed attempts (ports folded)
 * @param protocol {@code network.transport}, e.g. {@code tcp}
 */
public record LiveEdge(String id, String name, LiveEnd source, LiveEnd destination, Integer port, String protocol) {}
