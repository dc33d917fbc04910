package dev.flowtel.console.map;

/** A workload, Service or external peer on the map, with the traffic of the drawn edges that touch it. */
public record MapNode(String id, String namespace, String kind, String name, boolean external, long bytes, long flows) {}
