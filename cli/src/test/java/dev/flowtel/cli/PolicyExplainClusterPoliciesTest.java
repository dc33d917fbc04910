package dev.flowtel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./flowtel policy explain} with cluster-scoped policies, run in-process: given namespaces
 * gryffindor (pod harry) and slytherin (pod draco), a node kind-worker at 172.18.0.2, an
 * AdminNetworkPolicy that denies slytherin into gryffindor on TCP 80, passes it on 8080 and
 * allows egress to the nodes, a NetworkPolicy of gryffindor that allows slytherin on 8080, and the
 * BaselineAdminNetworkPolicy that keeps slytherin's egress at home (slytherin has no NetworkPolicy),
 * each direction of each connection names the tier, policy and rule that decided it.
 */
class PolicyExplainClusterPoliciesTest {

  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void writeClusterAndPolicies() throws Exception {
    Files.writeString(dir.resolve("cluster.yaml"), """
        apiVersion: v1
        kind: List
        items:
        - {apiVersion: v1, kind: Namespace, metadata: {name: gryffindor, labels: {house: gryffindor}}}
        - {apiVersion: v1, kind: Namespace, metadata: {name: slytherin, labels: {house: slytherin}}}
        - apiVersion: v1
          kind: Pod
          metadata: {name: harry, namespace: gryffindor, labels: {app: harry}}
          spec: {containers: [{name: server}]}
          status: {podIP: 10.244.1.10}
        - apiVersion: v1
          kind: Pod
          metadata: {name: draco, namespace: slytherin, labels: {app: draco}}
          spec: {containers: [{name: client}]}
          status: {podIP: 10.244.2.10}
        - apiVersion: v1
          kind: Node
          metadata: {name: kind-worker, labels: {kubernetes.io/os: linux}}
          status: {addresses: [{type: InternalIP, address: 172.18.0.2}, {type: Hostname, address: kind-worker}]}
        """);
    Files.writeString(dir.resolve("policies.yaml"), """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: guard-gryffindor}
        spec:
          priority: 10
          subject: {namespaces: {matchLabels: {house: gryffindor}}}
          ingress:
          - name: no-slytherin-on-80
            action: Deny
            from: [{namespaces: {matchLabels: {house: slytherin}}}]
            ports: [{portNumber: {protocol: TCP, port: 80}}]
          - name: slytherin-decided-below
            action: Pass
            from: [{namespaces: {matchLabels: {house: slytherin}}}]
          egress:
          - name: nodes-on-10250
            action: Allow
            to: [{nodes: {matchLabels: {kubernetes.io/os: linux}}}]
            ports: [{portNumber: {port: 10250}}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: slytherin-on-8080, namespace: gryffindor}
        spec:
          podSelector: {}
          ingress:
          - from: [{namespaceSelector: {matchLabels: {house: slytherin}}}]
            ports: [{port: 8080}]
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: BaselineAdminNetworkPolicy
        metadata: {name: default}
        spec:
          subject: {namespaces: {matchLabels: {house: slytherin}}}
          egress:
          - name: slytherin-stays-home
            action: Deny
            to: [{namespaces: {matchExpressions: [{key: house, operator: NotIn, values: [slytherin]}]}}]
        """);
  }

  private int run(String... args) {
    return new CommandLine(new FlowtelCommand())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  private String[] explain(String... more) {
    String[] base = {"policy", "explain", "--cluster", dir.resolve("cluster.yaml").toString(),
        "--policies", dir.resolve("policies.yaml").toString()};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void theTableNamesTheDecidingTierPolicyAndRule() throws Exception {
    Path connections = dir.resolve("conns.jsonl");
    Files.writeString(connections, """
        {"from":"slytherin/draco","to":"gryffindor/harry","port":80}
        {"from":"slytherin/draco","to":"gryffindor/harry","port":8080}
        {"from":"gryffindor/harry","to":"172.18.0.2","port":10250}
        {"from":"gryffindor/harry","to":"slytherin/draco","port":443}
        """);
    assertThat(run(explain("--connections", connections.toString()))).isZero();
    assertThat(out.toString()).isEqualTo("""
        FROM              TO                PORT       VERDICT  EGRESS (source)                                                                               INGRESS (destination)
        slytherin/draco   gryffindor/harry  TCP/80     DENIED   baseline tier: DENIED by BaselineAdminNetworkPolicy/default egress[0] "slytherin-stays-home"  admin tier: DENIED by AdminNetworkPolicy/guard-gryffindor ingress[0] "no-slytherin-on-80"
        slytherin/draco   gryffindor/harry  TCP/8080   DENIED   baseline tier: DENIED by BaselineAdminNetworkPolicy/default egress[0] "slytherin-stays-home"  allowed by gryffindor/slytherin-on-8080 ingress[0] (admin tier passed: AdminNetworkPolicy/guard-gryffindor ingress[1] "slytherin-decided-below")
        gryffindor/harry  172.18.0.2        TCP/10250  allowed  admin tier: allowed by AdminNetworkPolicy/guard-gryffindor egress[0] "nodes-on-10250"         not a pod
        gryffindor/harry  slytherin/draco   TCP/443    allowed  not isolated                                                                                  not isolated

        4 connections: 2 allowed, 2 denied
        """);
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void jsonNamesTheDecidingTierPolicyAndRule() {
    assertThat(run(explain("--from", "slytherin/draco", "--to", "gryffindor/harry", "--port", "80", "--output", "json")))
        .isZero();
    assertThat(out.toString()).isEqualTo("{\"from\":\"slytherin/draco\",\"to\":\"gryffindor/harry\",\"port\":80,\"protocol\":\"TCP\",\"allowed\":false"
        + ",\"explanation\":\"denied at egress and ingress: egress from slytherin/draco denied by"
        + " BaselineAdminNetworkPolicy/default egress[0] \\\"slytherin-stays-home\\\" (Deny, baseline tier) for"
        + " gryffindor/harry on TCP/80, as no NetworkPolicy selects it for Egress; ingress to gryffindor/harry"
        + " denied by AdminNetworkPolicy/guard-gryffindor ingress[0] \\\"no-slytherin-on-80\\\" (Deny, admin tier,"
        + " priority 10) for slytherin/draco on TCP/80\""
        + ",\"egress\":{\"allowed\":false,\"outcome\":\"BASELINE_DENIED\",\"tier\":\"baseline\",\"isolated\":true"
        + ",\"isolatingPolicies\":[\"BaselineAdminNetworkPolicy/default\"],\"allowingRules\":[]"
        + ",\"decidedBy\":{\"tier\":\"baseline\",\"policy\":\"BaselineAdminNetworkPolicy/default\",\"priority\":0"
        + ",\"rule\":0,\"ruleName\":\"slytherin-stays-home\",\"action\":\"Deny\"}"
        + ",\"explanation\":\"egress from slytherin/draco denied by BaselineAdminNetworkPolicy/default egress[0]"
        + " \\\"slytherin-stays-home\\\" (Deny, baseline tier) for gryffindor/harry on TCP/80, as no NetworkPolicy"
        + " selects it for Egress\"}"
        + ",\"ingress\":{\"allowed\":false,\"outcome\":\"ADMIN_DENIED\",\"tier\":\"admin\",\"isolated\":true"
        + ",\"isolatingPolicies\":[\"AdminNetworkPolicy/guard-gryffindor\"],\"allowingRules\":[]"
        + ",\"decidedBy\":{\"tier\":\"admin\",\"policy\":\"AdminNetworkPolicy/guard-gryffindor\",\"priority\":10"
        + ",\"rule\":0,\"ruleName\":\"no-slytherin-on-80\",\"action\":\"Deny\"}"
        + ",\"explanation\":\"ingress to gryffindor/harry denied by AdminNetworkPolicy/guard-gryffindor"
        + " ingress[0] \\\"no-slytherin-on-80\\\" (Deny, admin tier, priority 10) for slytherin/draco on TCP/80\"}}\n");
  }

  @Test
  void aPassNamesThePassRuleBesideTheNetworkPolicyThatDecided() {
    assertThat(run(explain("--from", "slytherin/draco", "--to", "gryffindor/harry", "--port", "8080", "--output", "json")))
        .isZero();
    assertThat(out.toString()).contains("\"ingress\":{\"allowed\":true,\"outcome\":\"ALLOWED\",\"tier\":\"network-policy\",\"isolated\":true,"
            + "\"isolatingPolicies\":[\"gryffindor/slytherin-on-8080\"]")
        .contains("\"passedBy\":{\"tier\":\"admin\",\"policy\":\"AdminNetworkPolicy/guard-gryffindor\",\"priority\":10,"
            + "\"rule\":1,\"ruleName\":\"slytherin-decided-below\",\"action\":\"Pass\"}")
        .contains("\"egress\":{\"allowed\":false,\"outcome\":\"BASELINE_DENIED\",\"tier\":\"baseline\",")
        .contains("\"decidedBy\":{\"tier\":\"baseline\",\"policy\":\"BaselineAdminNetworkPolicy/default\",\"priority\":0,"
            + "\"rule\":0,\"ruleName\":\"slytherin-stays-home\",\"action\":\"Deny\"}");
  }

  @Test
  void aBadPriorityExitsTwoNamingFileAndLine() throws Exception {
    Files.writeString(dir.resolve("policies.yaml"), """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: too-low}
        spec:
          priority: 1001
          subject: {namespaces: {}}
        """);
    assertThat(run(explain("--from", "slytherin/draco", "--to", "gryffindor/harry", "--port", "80"))).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("flowtel policy explain: " + dir.resolve("policies.yaml")
        + " line 5: spec.priority 1001 is not in 0..1000\n");
  }
}
