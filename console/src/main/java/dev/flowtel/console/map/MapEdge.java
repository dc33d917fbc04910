package dev.flowtel.console.map;

/**
 * An edge on the map: its totals over the range and how it was judged.
 *
 * @param id the edge id the traffic documents carry ({@code flowtel.edge.id})
 * @param port the destination port; null for the edge of a client's failed attempts, whose ports are folded
 * @param openAnomalies anomalies about this edge whose episode is still open
 */
public record MapEdge(String id, String name, String source, String target, Integer port, String protocol, long bytes,
    long flows, long drops, String verdict, int openAnomalies) {}
