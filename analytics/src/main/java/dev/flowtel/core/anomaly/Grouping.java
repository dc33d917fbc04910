package dev.flowtel.core.anomaly;

import dev.flowtel.core.flow.ObservedFlow;

/** What a detector keys its state by; engines partition flows by this key before the detector. */
public enum Grouping {
  /** The service edge: {@code client>server:port/protocol}. Policy judgements are made in this grouping. */
  EDGE,
  /** The client's address: one pod (or host) probing. */
  CLIENT_ADDRESS,
  /** The client's workload ({@code namespace/kind/name}). */
  CLIENT_WORKLOAD;

  public String key(ObservedFlow flow) {
    return switch (this) {
      case EDGE -> flow.edgeKey();
      case CLIENT_ADDRESS -> flow.clientIp().toString();
      case CLIENT_WORKLOAD -> flow.client().key();
    };
  }
}
