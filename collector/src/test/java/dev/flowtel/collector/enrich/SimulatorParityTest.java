package dev.flowtel.collector.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.policy.ContainerPort;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.simulator.cluster.Cluster;
import dev.flowtel.simulator.cluster.ExternalHost;
import dev.flowtel.simulator.cluster.NetworkPeer;
import dev.flowtel.simulator.cluster.Service;
import dev.flowtel.simulator.cluster.Workload;
import dev.flowtel.simulator.cluster.WorkloadKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Given the simulator's cluster loaded into the cache as the Kubernetes API would show it
 * (Deployments through ReplicaSets, one Service per workload on its named ports), when its pods
 * and external hosts are looked up, then enrichment gives exactly the Endpoints the simulator
 * writes on its own flows: the stream jobs cannot tell a collector's flow from a simulated one.
 */
class SimulatorParityTest {

  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  @Test
  void enrichmentGivesTheSimulatorsEndpoints() {
    Cluster cluster = ClusterSimulator.of(SimulatorSettings.defaults()).cluster();
    EnrichmentCache cache = new EnrichmentCache(EnrichmentSettings.defaults(), new MutableClock(T0));
    for (Service s : cluster.services()) {
      Workload w = s.backend();
      List<ServiceRecord.Port> ports = new ArrayList<>();
      for (ContainerPort p : s.ports()) {
        ports.add(new ServiceRecord.Port(p.name(), p.port(), p.protocolNumber(), -1, p.name()));
      }
      cache.upsertService(new ServiceRecord(s.namespace(), s.name(), List.of(IpAddress.ofIpv4(s.clusterIp())), ports,
          Map.of(w.selectorLabel().getKey(), w.selectorLabel().getValue()), "1"));
    }
    int checked = 0;
    for (Workload w : cluster.workloads()) {
      String hash = "6f7d9";
      OwnerRef owner = w.kind() == WorkloadKind.DEPLOYMENT ? new OwnerRef("ReplicaSet", w.name() + "-" + hash)
          : new OwnerRef(w.kind().kubernetesName(), w.name());
      if (w.kind() == WorkloadKind.DEPLOYMENT) {
        cache.upsertOwner("ReplicaSet", w.namespace(), owner.name(), new OwnerRef("Deployment", w.name()));
      }
      List<NamedPort> ports = w.ports().stream().map(p -> new NamedPort(p.name(), p.port(), p.protocolNumber())).toList();
      for (NetworkPeer peer : cluster.pods(w)) {
        var pod = peer.pod();
        cache.upsertPod(new PodRecord("uid-" + pod.name(), w.namespace(), pod.name(), w.labels(), pod.node().name(), false,
            ports, List.of(IpAddress.ofIpv4(pod.address())), List.of(IpAddress.ofIpv4(pod.node().address())), owner, null,
            T0.minusSeconds(600).toEpochMilli(), PodRecord.OPEN, "1"));
      }
    }
    long t = T0.toEpochMilli();
    for (Workload w : cluster.workloads()) {
      for (NetworkPeer peer : cluster.pods(w)) {
        IpAddress a = IpAddress.ofIpv4(peer.address());
        assertThat(cache.endpoint(a, 40123, 6, t, t)).as(peer + " as a client").isEqualTo(peer.asClient());
        for (ContainerPort p : w.ports()) {
          Endpoint expected = peer.asServer();
          assertThat(cache.endpoint(a, p.port(), p.protocolNumber(), t, t)).as(peer + " on " + p).isEqualTo(expected);
          checked++;
        }
      }
    }
    for (ExternalHost host : cluster.externals()) {
      NetworkPeer peer = cluster.external(host.name());
      assertThat(cache.endpoint(IpAddress.ofIpv4(host.address()), 443, 6, t, t)).as(host.name()).isEqualTo(peer.asServer());
    }
    assertThat(checked).isGreaterThan(50);
  }
}
