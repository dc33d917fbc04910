package dev.flowtel.core.policy.history;

import java.util.Map;
import java.util.Objects;

/** A Service and the pod labels it selects, which name the workloads behind a service edge's destination. */
public record InventoryService(String namespace, String name, Map<String, String> selector) {

  public InventoryService {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    selector = Map.copyOf(selector);
  }
}
