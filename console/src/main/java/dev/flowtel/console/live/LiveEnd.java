package dev.flowtel.console.live;

/**
 * One end of a live edge, named as the traffic documents name it.
 *
 * @param id {@code namespace/Kind/name}, or {@code Kind/name} outside namespaces ({@code flowtel.source.id})
 * @param namespace null outside namespaces (external peers)
 */
public record LiveEnd(String id, String namespace, String kind, String name) {}
