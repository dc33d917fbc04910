package dev.flowtel.streams.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.staged.StagedPolicyWindows;
import dev.flowtel.schema.ClusterObjectKind;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.LabelSelector;
import dev.flowtel.schema.NamespaceState;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.NetworkPolicyState;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.schema.StagedPolicyVerdict;
import dev.flowtel.streams.Driver;
import dev.flowtel.streams.ScriptedFlows;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * Staged policies through the whole app in a TopologyTestDriver: given a staged default-deny
 * ingress policy in namespace shop and traffic into shop and within jobs, then one verdict per
 * edge into shop and traffic window comes out, counting each distinct connection once (requests
 * and replies alike), as the traffic windows close and without the flows they find too late;
 * edges the policy does not select get none; and the anomalies (and the traffic) are the same as
 * without the staged policy.
 */
class StagedVerdictsTopologyTest {

  private static final int SYN_ACK = 0x12;
  private static final Instant OBSERVED = ScriptedFlows.T0.minusSeconds(60);
  private static final String[] OPTIONS = {"--window", "10s", "--rollup", "0", "--max-out-of-orderness", "2s",
      "--allowed-lateness", "5s"};

  private static final Endpoint FRONTEND = pod("shop", "frontend-7d9f-aaaaa", "frontend", "Deployment", "node-a", List.of());
  private static final Endpoint CHECKOUT = pod("shop", "checkout-0", "checkout", "StatefulSet", "node-b", List.of("checkout"));
  private static final Endpoint REPORT = pod("jobs", "report-28913-x", "report", "CronJob", "node-a", List.of());
  private static final Endpoint API = pod("jobs", "api-5c6d-ccccc", "api", "Deployment", "node-b", List.of("api"));
  private static final byte[] FRONTEND_IP = {10, (byte) 244, 1, 11};
  private static final byte[] CHECKOUT_IP = {10, (byte) 244, 2, 20};
  private static final byte[] REPORT_IP = {10, (byte) 244, 1, 30};
  private static final byte[] API_IP = {10, (byte) 244, 2, 40};

  private static final String REPORT_TO_CHECKOUT = "jobs/CronJob/report>shop/Service/checkout:8080/6";
  private static final String FRONTEND_TO_CHECKOUT = "shop/Deployment/frontend>shop/Service/checkout:8080/6";

  @Test
  void aStagedDefaultDenyCountsTheConnectionsIntoItsNamespacePerTrafficWindowAndChangesNoAnomaly() throws Exception {
    Run staged = run(true);
    Run inForceOnly = run(false);

    // Window 0 closed on the records alone, when the traffic window closed: its verdicts and its traffic came out together.
    assertThat(staged.beforeFinish.stream().map(StagedVerdictsTopologyTest::describe).toList()).containsExactlyInAnyOrder(
        "shop/deny-ingress " + REPORT_TO_CHECKOUT + " @0s+10s: allow 0 deny 3 newly denied 3 newly allowed 0 deny bytes 400",
        "shop/deny-ingress " + FRONTEND_TO_CHECKOUT + " @0s+10s: allow 0 deny 2 newly denied 2 newly allowed 0 deny bytes 200");
    assertThat(staged.trafficBeforeFinish).extracting(t -> t.getWindowStart()).containsOnly(ScriptedFlows.T0);
    // The late flow (a fourth connection of window 0 after it closed) is in neither.
    assertThat(staged.afterFinish.stream().map(StagedVerdictsTopologyTest::describe).toList()).containsExactly(
        "shop/deny-ingress " + REPORT_TO_CHECKOUT + " @10s+10s: allow 0 deny 2 newly denied 2 newly allowed 0 deny bytes 200");

    List<StagedPolicyVerdict> all = new ArrayList<>(staged.beforeFinish);
    all.addAll(staged.afterFinish);
    assertThat(staged.keys).as("keyed by policy, edge and window")
        .containsExactlyElementsOf(all.stream().map(StagedPolicyWindows::recordKey).toList());
    assertThat(all).allSatisfy(v -> assertThat(v.getExplanation()).contains("shop/deny-ingress"));
    // Each verdict counts the connections of the final revision of its window's ServiceTraffic.
    for (StagedPolicyVerdict v : all) {
      ServiceTraffic traffic = staged.finalTraffic.stream()
          .filter(t -> t.getWindowStart().equals(v.getWindowStart()) && t.getDestination().equals(v.getDestination())
              && t.getSource().equals(v.getSource()))
          .reduce((a, b) -> b).orElseThrow();
      assertThat(v.getWouldDenyFlows() + v.getWouldAllowFlows()).as(describe(v)).isEqualTo(traffic.getFlows());
    }
    assertThat(staged.stagedStoresEmpty).as("the staged windows and their deadlines are gone once closed").isTrue();

    assertThat(inForceOnly.beforeFinish).isEmpty();
    assertThat(inForceOnly.afterFinish).isEmpty();
    assertThat(staged.anomalies).as("a POLICY_VIOLATION of the policy in force in jobs")
        .extracting(PolicyAnomaly::getType).isNotEmpty().contains(dev.flowtel.schema.AnomalyType.POLICY_VIOLATION);
    assertThat(staged.anomalies).as("a staged policy changes no anomaly").isEqualTo(inForceOnly.anomalies);
    assertThat(staged.finalTraffic).isEqualTo(inForceOnly.finalTraffic);
  }

  /** What one run of the app wrote. */
  private record Run(List<StagedPolicyVerdict> beforeFinish, List<ServiceTraffic> trafficBeforeFinish,
      List<StagedPolicyVerdict> afterFinish, List<String> keys, List<ServiceTraffic> finalTraffic,
      List<PolicyAnomaly> anomalies, boolean stagedStoresEmpty) {}

  private static Run run(boolean withStaged) throws Exception {
    WireCodec<ClusterState> stateCodec = WireCodec.of(RecordType.CLUSTER_STATE);
    try (Driver app = new Driver(OPTIONS)) {
      List<Map.Entry<String, ClusterState>> state = new ArrayList<>(List.of(
          Map.entry("Namespace/shop", namespace("shop")),
          Map.entry("Namespace/jobs", namespace("jobs")),
          Map.entry("NetworkPolicy/jobs/api-deny-ingress",
              denyIngress(ClusterObjectKind.NETWORK_POLICY, "jobs", "api-deny-ingress", Map.of("app", "api")))));
      if (withStaged) {
        state.add(Map.entry("StagedNetworkPolicy/shop/deny-ingress",
            denyIngress(ClusterObjectKind.STAGED_NETWORK_POLICY, "shop", "deny-ingress", Map.of())));
      }
      state.forEach(e -> app.clusterState(e.getKey().getBytes(StandardCharsets.UTF_8), stateCodec.encode(e.getValue()), OBSERVED));

      ScriptedFlows flows = new ScriptedFlows()
          // The partition's first flow, judged by nothing (no event time yet): it is not into shop.
          .exchange(FRONTEND, FRONTEND_IP, 41000, API, API_IP, 9090, 1.0, 100, 100, SYN_ACK, SYN_ACK, null)
          .exchange(REPORT, REPORT_IP, 43000, CHECKOUT, CHECKOUT_IP, 8080, 2.0, 100, 50, SYN_ACK, SYN_ACK, null)
          .exchange(REPORT, REPORT_IP, 43001, CHECKOUT, CHECKOUT_IP, 8080, 3.0, 100, 50, SYN_ACK, SYN_ACK, null)
          // The same connection again: counted once, its bytes twice.
          .exchange(REPORT, REPORT_IP, 43000, CHECKOUT, CHECKOUT_IP, 8080, 4.0, 100, 50, 0x10, 0x10, null)
          .exchange(FRONTEND, FRONTEND_IP, 41001, CHECKOUT, CHECKOUT_IP, 8080, 5.0, 100, 50, SYN_ACK, SYN_ACK, null)
          .exchange(FRONTEND, FRONTEND_IP, 41002, API, API_IP, 9090, 6.0, 100, 50, SYN_ACK, SYN_ACK, null)
          .exchange(REPORT, REPORT_IP, 43002, CHECKOUT, CHECKOUT_IP, 8080, 7.0, 100, 50, SYN_ACK, SYN_ACK, null)
          .exchange(FRONTEND, FRONTEND_IP, 41003, CHECKOUT, CHECKOUT_IP, 8080, 8.0, 100, 50, SYN_ACK, SYN_ACK, null)
          .exchange(REPORT, REPORT_IP, 43010, API, API_IP, 9090, 9.0, 100, 50, SYN_ACK, SYN_ACK, null)
          .exchange(REPORT, REPORT_IP, 43003, CHECKOUT, CHECKOUT_IP, 8080, 12.0, 100, 50, SYN_ACK, SYN_ACK, null)
          .exchange(FRONTEND, FRONTEND_IP, 41004, API, API_IP, 9090, 13.0, 100, 50, SYN_ACK, SYN_ACK, null)
          // Event time passes 10s - 1 ms + the 5 s lateness: window 0 closes.
          .exchange(REPORT, REPORT_IP, 43005, CHECKOUT, CHECKOUT_IP, 8080, 18.0, 100, 50, SYN_ACK, SYN_ACK, null)
          .exchange(REPORT, REPORT_IP, 43004, CHECKOUT, CHECKOUT_IP, 8080, 5.5, 100, 50, SYN_ACK, SYN_ACK, null);
      flows.arrivals().forEach(bytes -> app.flow("edge".getBytes(StandardCharsets.UTF_8), bytes));

      List<String> keys = new ArrayList<>();
      List<StagedPolicyVerdict> before = keyed(app.stagedVerdictRecords(), keys);
      List<ServiceTraffic> trafficBefore = app.traffic();
      app.finish();
      List<StagedPolicyVerdict> after = keyed(app.stagedVerdictRecords(), keys);
      List<ServiceTraffic> traffic = new ArrayList<>(trafficBefore);
      traffic.addAll(app.traffic());
      KeyValueStore<String, byte[]> states = app.driver().getKeyValueStore(EdgeDetectionProcessor.STAGED_STATES);
      KeyValueStore<?, byte[]> deadlines = app.driver().getKeyValueStore(EdgeDetectionProcessor.STAGED_TIMERS);
      boolean empty;
      try (var s = states.all(); var d = deadlines.all()) {
        empty = !s.hasNext() && !d.hasNext();
      }
      return new Run(before, trafficBefore, after, keys, traffic, app.anomalies(), empty);
    }
  }

  private static List<StagedPolicyVerdict> keyed(List<Map.Entry<String, StagedPolicyVerdict>> records, List<String> keys) {
    records.forEach(r -> keys.add(r.getKey()));
    return records.stream().map(Map.Entry::getValue).toList();
  }

  private static String describe(StagedPolicyVerdict v) {
    long start = (v.getWindowStart().toEpochMilli() - ScriptedFlows.T0.toEpochMilli()) / 1000;
    long size = (v.getWindowEnd().toEpochMilli() - v.getWindowStart().toEpochMilli()) / 1000;
    return String.format("%s/%s %s>%s:%d/%d @%ds+%ds: allow %d deny %d newly denied %d newly allowed %d deny bytes %d",
        v.getPolicyNamespace(), v.getPolicyName(), end(v.getSource()), end(v.getDestination()), v.getDestinationPort(),
        v.getProtocol(), start, size, v.getWouldAllowFlows(), v.getWouldDenyFlows(), v.getNewlyDeniedFlows(),
        v.getNewlyAllowedFlows(), v.getWouldDenyBytes());
  }

  private static String end(dev.flowtel.schema.EdgeEndpoint e) {
    return (e.getNamespace() == null ? "-" : e.getNamespace()) + "/" + e.getKind() + "/" + e.getName();
  }

  private static Endpoint pod(String namespace, String name, String workload, String kind, String node, List<String> services) {
    return Endpoint.newBuilder().setKind(EndpointKind.POD).setNamespace(namespace).setPod(name).setWorkloadKind(kind)
        .setWorkloadName(workload).setServices(services).setLabels(Map.of("app", workload)).setNode(node)
        .setNetworkClass(NetworkClass.POD).build();
  }

  private static ClusterState namespace(String name) {
    return ClusterState.newBuilder().setKind(ClusterObjectKind.NAMESPACE).setObservedAt(OBSERVED)
        .setNamespace(NamespaceState.newBuilder().setName(name).setLabels(Map.of("kubernetes.io/metadata.name", name)).build())
        .build();
  }

  /** Pods of {@code namespace} matching {@code podLabels} (all of them when empty) take ingress from nothing. */
  private static ClusterState denyIngress(ClusterObjectKind kind, String namespace, String name, Map<String, String> podLabels) {
    return ClusterState.newBuilder().setKind(kind).setObservedAt(OBSERVED)
        .setNetworkPolicy(NetworkPolicyState.newBuilder().setNamespace(namespace).setName(name)
            .setPodSelector(LabelSelector.newBuilder().setMatchLabels(podLabels).build())
            .setPolicyTypes(List.of("Ingress")).setIngress(List.of()).build())
        .build();
  }
}
