package dev.flowtel.simulator.cluster;

import dev.flowtel.core.policy.ContainerPort;
import java.util.List;

/** A ClusterIP Service selecting all pods of one workload on all its ports. */
public record Service(String namespace, String name, int clusterIp, Workload backend) {

  public String id() {
    return namespace + "/" + name;
  }

  public List<ContainerPort> ports() {
    return backend.ports();
  }
}
