package dev.flowtel.simulator.callgraph;

import dev.flowtel.core.policy.ContainerPort;
import dev.flowtel.simulator.cluster.NetworkPeer;
import dev.flowtel.simulator.cluster.Service;
import dev.flowtel.simulator.cluster.Workload;
import java.util.List;

/**
 * One modelled call: clients (a workload's pods, or internet hosts) connect to servers (a
 * Service's pods, or an external host) on one port. Rates are set once by calibration.
 *
 * @param clientId namespace/workload or external/name
 * @param clientWorkload null when the clients are internet hosts
 * @param serverId namespace/service or external/name
 * @param service null when the server is external
 * @param key the Kafka key of all its flows, both directions: clientId&gt;serverId:port/protocol
 * @param connectionsPerSecond mean new connections per second of event time at curve 1.0
 */
public record CallEdge(int index, String clientId, Workload clientWorkload, List<NetworkPeer> clients, String serverId,
    Service service, List<NetworkPeer> servers, ContainerPort port, TrafficShape shape, String key,
    double connectionsPerSecond) {

  public static String key(String clientId, String serverId, int port, int protocol) {
    return clientId + ">" + serverId + ":" + port + "/" + protocol;
  }

  public boolean toExternal() {
    return service == null;
  }

  CallEdge withRate(double perSecond) {
    return new CallEdge(index, clientId, clientWorkload, clients, serverId, service, servers, port, shape, key, perSecond);
  }
}
