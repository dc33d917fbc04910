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
  Service,
  /** policy.networking.k8s.io/v1alpha1, cluster-scoped, admin tier. */
  AdminNetworkPolicy,
  /** policy.networking.k8s.io/v1alpha1, cluster-scoped, baseline tier; the one named {@code default}. */
  BaselineAdminNetworkPolicy,
  /** policy.networking.k8s.io/v1alpha2, cluster-scoped, tier Admin or Baseline. */
  ClusterNetworkPolicy,
  /** For its labels and addresses, which the {@code nodes} peers of cluster-scoped policies select. */
  Node;

  /** The kinds that run pods and that service edges name as their ends (with bare Pods). */
  public static final Set<ObjectKind> WORKLOADS = EnumSet.of(Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob);

  /** The cluster-scoped policy kinds. */
  public static final Set<ObjectKind> CLUSTER_POLICIES = EnumSet.of(AdminNetworkPolicy, BaselineAdminNetworkPolicy,
      ClusterNetworkPolicy);

  /** What a cluster inventory is read from: namespaces, workloads, bare Pods and Services. */
  public static Set<ObjectKind> inventory() {
    EnumSet<ObjectKind> kinds = EnumSet.of(Namespace, Pod, Service);
    kinds.addAll(WORKLOADS);
    return kinds;
  }
}
