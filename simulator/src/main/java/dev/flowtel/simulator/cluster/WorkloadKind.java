package dev.flowtel.simulator.cluster;

/** The owner kinds the simulator creates pods for, with the name enrichment reports. */
public enum WorkloadKind {
  DEPLOYMENT("Deployment"),
  STATEFUL_SET("StatefulSet"),
  DAEMON_SET("DaemonSet");

  private final String kubernetesName;

  WorkloadKind(String kubernetesName) {
    this.kubernetesName = kubernetesName;
  }

  /** As in Endpoint.workloadKind and EdgeEndpoint.kind. */
  public String kubernetesName() {
    return kubernetesName;
  }
}
