package dev.flowtel.simulator.cluster;

import java.util.Map;

/**
 * A namespace; {@code defaultDeny} namespaces carry a deny-all NetworkPolicy plus allow rules for
 * exactly the modelled call graph, the others carry no policy at all.
 */
public record KubeNamespace(String name, Map<String, String> labels, boolean defaultDeny) {

  public static final String NAME_LABEL = "kubernetes.io/metadata.name";
}
