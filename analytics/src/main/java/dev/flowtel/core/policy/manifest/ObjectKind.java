package dev.flowtel.core.policy.manifest;

/** The Kubernetes kinds policy evaluation reads. */
public enum ObjectKind {
  Namespace,
  Pod,
  NetworkPolicy
}
