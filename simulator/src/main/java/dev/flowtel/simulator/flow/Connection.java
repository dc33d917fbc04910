package dev.flowtel.simulator.flow;

import dev.flowtel.schema.Endpoint;
import dev.flowtel.simulator.cluster.NetworkPeer;
import dev.flowtel.simulator.episode.GroundTruthLabel;

/**
 * One TCP connection or UDP exchange, from client to server, over its whole life; the engine
 * turns it into flows for each export interval it overlaps.
 *
 * @param requestBytes payload client to server over the whole connection
 * @param responseBytes payload server to client over the whole connection
 * @param reset the server ends it with RST instead of FIN
 */
public record Connection(NetworkPeer client, Endpoint clientEndpoint, NetworkPeer server, Endpoint serverEndpoint,
    int clientPort, int serverPort, int protocol, long startNanos, long endNanos, double requestBytes,
    double responseBytes, long rttMicros, boolean reset, String communityId, String edgeKey, GroundTruthLabel label) {}
