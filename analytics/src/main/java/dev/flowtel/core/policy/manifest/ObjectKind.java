package dev.flowtel.core.policy.manifest;

import java.util.EnumSet;
import java.util.Set;

/** The Kubernetes kinds policy evaluation and policy history read. */
public enum ObjectKind {
  Namespace,
  Pod,
  NetworkPolicy,
  Deployment,
  StatefulSet,
  DaemonSet,
  /** Read only when no Deployment owns it: an owned one's pods are its Deployment's. */
  ReplicaSet,
  /** Read only when no CronJob owns it: an owned one's pods are its CronJob's. */
  Job,
  CronJob,
  Service;

  /** The kinds that run pods and that service edges name as their ends (with bare Pods). */
  public static final Set<ObjectKind> WORKLOADS = EnumSet.of(Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob);

  /** What a cluster inventory is read from: namespaces, workloads, bare Pods and Services. */
  public static Set<ObjectKind> inventory() {
    EnumSet<ObjectKind> kinds = EnumSet.of(Namespace, Pod, Service);
    kinds.addAll(WORKLOADS);
    return kinds;
  }
}
