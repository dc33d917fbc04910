package dev.flowtel.cli;

import dev.flowtel.core.policy.ClusterStatePolicies;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.manifest.InventoryManifestWriter;
import dev.flowtel.core.policy.recommend.PolicyManifestWriter;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.policy.SimulatedInventory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The simulated cluster of a local run, and the NetworkPolicies it is meant to follow, written to
 * the state folder as kubectl prints them: so {@code policy recommend} and {@code policy what-if}
 * run on a local run exactly as on a real cluster's {@code kubectl get -o yaml}.
 */
final class LocalPolicyFiles {

  static final String CLUSTER = "cluster.yaml";
  static final String POLICIES_IN_FORCE = "policies-in-force.yaml";

  private LocalPolicyFiles() {}

  /** Writes both files into {@code state}; the lines {@code up} prints to show how to use them. */
  static String write(Path state, ClusterSimulator simulator) {
    Path cluster = state.resolve(CLUSTER);
    Path inForce = state.resolve(POLICIES_IN_FORCE);
    List<NetworkPolicy> intended = simulator.policies().policies().stream().map(ClusterStatePolicies::networkPolicy).toList();
    try {
      Files.writeString(cluster, InventoryManifestWriter.write(SimulatedInventory.of(simulator.cluster())));
      Files.writeString(inForce, PolicyManifestWriter.writeAll(intended, id -> Map.of()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the simulated cluster to " + state, e);
    }
    return "  Policies       ./flowtel policy recommend --cluster " + cluster + " --since 15m --out " + state.resolve("recommended")
        + "\n                 (NetworkPolicies from the traffic seen; " + inForce.getFileName()
        + " holds the simulator's own, for --policies-in-force)\n";
  }
}
