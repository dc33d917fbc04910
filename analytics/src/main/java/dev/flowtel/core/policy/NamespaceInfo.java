package dev.flowtel.core.policy;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** A namespace as namespaceSelectors see it: its name and labels. */
public record NamespaceInfo(String name, Map<String, String> labels) {

  /** Set by the API server on every namespace since Kubernetes 1.21; selectors often use it. */
  public static final String NAME_LABEL = "kubernetes.io/metadata.name";

  public NamespaceInfo {
    Objects.requireNonNull(name, "name");
    // Present even when the input left it out, because the API server always sets it.
    Map<String, String> withName = new HashMap<>(labels);
    withName.put(NAME_LABEL, name);
    labels = Map.copyOf(withName);
  }

  /** A namespace known only by name: its only label is {@value #NAME_LABEL}. */
  public static NamespaceInfo named(String name) {
    return new NamespaceInfo(name, Map.of());
  }
}
