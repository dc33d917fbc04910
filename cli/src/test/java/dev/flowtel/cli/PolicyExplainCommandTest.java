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
 * {@code ./flowtel policy explain} run in-process: given a cluster where namespace x denies all
 * ingress except to x/a on its named port serve-80-tcp from namespace y, and y/b may only talk
 * to x and to 172.16.0.0/12 except 172.16.9.0/24, these connections come out as written.
 */
class PolicyExplainCommandTest {

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
        - apiVersion: v1
          kind: Namespace
          metadata: {name: x, labels: {team: web}}
        - apiVersion: v1
          kind: Namespace
          metadata: {name: y}
        - apiVersion: v1
          kind: Pod
          metadata: {name: a, namespace: x, labels: {pod: a}}
          spec:
            containers:
            - name: server
              ports:
              - {name: serve-80-tcp, containerPort: 80}
              - {name: serve-81-tcp, containerPort: 81}
          status: {podIP: 10.0.1.1}
        - apiVersion: v1
          kind: Pod
          metadata: {name: b, namespace: x, labels: {pod: b}}
          spec: {containers: [{name: server}]}
          status: {podIP: 10.0.1.2}
        - apiVersion: v1
          kind: Pod
          metadata: {name: b, namespace: y, labels: {pod: b}}
          spec: {containers: [{name: client}]}
          status: {podIP: 10.0.2.2}
        - apiVersion: v1
          kind: Service
          metadata: {name: web, namespace: x}
        """);
    Files.createDirectories(dir.resolve("policies"));
    Files.writeString(dir.resolve("policies/x.yaml"), """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-all, namespace: x}
        spec:
          podSelector: {}
          policyTypes: [Ingress]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: a-from-y, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress:
          - from:
            - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}
            ports:
            - port: serve-80-tcp
        """);
    Files.writeString(dir.resolve("policies/y.json"), """
        {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
         "metadata": {"name": "b-egress", "namespace": "y"},
         "spec": {"podSelector": {"matchLabels": {"pod": "b"}}, "policyTypes": ["Egress"],
                  "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"team": "web"}}}]},
                             {"to": [{"ipBlock": {"cidr": "172.16.0.0/12", "except": ["172.16.9.0/24"]}}]}]}}
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
        "--policies", dir.resolve("policies").toString()};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void oneConnectionAsATable() {
    int exit = run(explain("--from", "y/b", "--to", "x/a", "--port", "80"));
    assertThat(exit).isZero();
    assertThat(out.toString()).isEqualTo("""
        FROM  TO   PORT    VERDICT  EGRESS (source)                  INGRESS (destination)
        y/b   x/a  TCP/80  allowed  allowed by y/b-egress egress[0]  allowed by x/a-from-y ingress[0]

        1 connection: 1 allowed, 0 denied
        """);
    assertThat(err.toString()).isEqualTo("warning: " + dir.resolve("cluster.yaml")
        + " line 31: skipped Service web: --cluster reads Namespace, Pod, Node\n");
  }

  @Test
  void connectionsFileAsJsonInInputOrderWithNamedPortsAndAddresses() throws Exception {
    Path connections = dir.resolve("conns.jsonl");
    Files.writeString(connections, """
        {"from":"y/b","to":"x/a","port":"serve-80-tcp","protocol":"TCP"}
        {"from":"y/b","to":"x/a","port":81}

        {"from":"x/b","to":"10.0.2.2","port":443,"protocol":"UDP"}
        {"from":"y/b","to":"172.16.9.1","port":53,"protocol":"UDP"}
        {"from":"y/b","to":"203.0.113.7","port":443}
        """);
    int exit = run(explain("--connections", connections.toString(), "--output", "json"));
    assertThat(exit).isZero();
    assertThat(out.toString().lines().toList()).containsExactly(
        "{\"from\":\"y/b\",\"to\":\"x/a\",\"port\":80,\"portName\":\"serve-80-tcp\",\"protocol\":\"TCP\",\"allowed\":true,"
            + "\"explanation\":\"allowed: egress from y/b allowed by y/b-egress egress[0]; ingress to x/a allowed by x/a-from-y ingress[0]\","
            + "\"egress\":{\"allowed\":true,\"outcome\":\"ALLOWED\",\"tier\":\"network-policy\",\"isolated\":true,\"isolatingPolicies\":[\"y/b-egress\"],"
            + "\"allowingRules\":[{\"policy\":\"y/b-egress\",\"rule\":0}],\"explanation\":\"egress from y/b allowed by y/b-egress egress[0]\"},"
            + "\"ingress\":{\"allowed\":true,\"outcome\":\"ALLOWED\",\"tier\":\"network-policy\",\"isolated\":true,\"isolatingPolicies\":[\"x/a-from-y\",\"x/deny-all\"],"
            + "\"allowingRules\":[{\"policy\":\"x/a-from-y\",\"rule\":0}],\"explanation\":\"ingress to x/a allowed by x/a-from-y ingress[0]\"}}",
        "{\"from\":\"y/b\",\"to\":\"x/a\",\"port\":81,\"protocol\":\"TCP\",\"allowed\":false,"
            + "\"explanation\":\"denied at ingress: egress from y/b allowed by y/b-egress egress[0]; ingress to x/a denied: isolated by"
            + " x/a-from-y, x/deny-all and no ingress rule allows y/b on TCP/81\","
            + "\"egress\":{\"allowed\":true,\"outcome\":\"ALLOWED\",\"tier\":\"network-policy\",\"isolated\":true,\"isolatingPolicies\":[\"y/b-egress\"],"
            + "\"allowingRules\":[{\"policy\":\"y/b-egress\",\"rule\":0}],\"explanation\":\"egress from y/b allowed by y/b-egress egress[0]\"},"
            + "\"ingress\":{\"allowed\":false,\"outcome\":\"DENIED\",\"tier\":\"network-policy\",\"isolated\":true,\"isolatingPolicies\":[\"x/a-from-y\",\"x/deny-all\"],"
            + "\"allowingRules\":[],\"explanation\":\"ingress to x/a denied: isolated by x/a-from-y, x/deny-all and no ingress rule allows"
            + " y/b on TCP/81\"}}",
        "{\"from\":\"x/b\",\"to\":\"10.0.2.2\",\"port\":443,\"protocol\":\"UDP\",\"allowed\":true,"
            + "\"explanation\":\"allowed: egress from x/b allowed: no policy selects it for Egress; ingress to y/b allowed: no policy selects it for Ingress\","
            + "\"egress\":{\"allowed\":true,\"outcome\":\"NOT_ISOLATED\",\"tier\":\"none\",\"isolated\":false,\"isolatingPolicies\":[],\"allowingRules\":[],"
            + "\"explanation\":\"egress from x/b allowed: no policy selects it for Egress\"},"
            + "\"ingress\":{\"allowed\":true,\"outcome\":\"NOT_ISOLATED\",\"tier\":\"none\",\"isolated\":false,\"isolatingPolicies\":[],\"allowingRules\":[],"
            + "\"explanation\":\"ingress to y/b allowed: no policy selects it for Ingress\"}}",
        "{\"from\":\"y/b\",\"to\":\"172.16.9.1\",\"port\":53,\"protocol\":\"UDP\",\"allowed\":false,"
            + "\"explanation\":\"denied at egress: egress from y/b denied: isolated by y/b-egress and no egress rule allows 172.16.9.1 on UDP/53;"
            + " ingress to 172.16.9.1: not a pod of the cluster, no policy applies\","
            + "\"egress\":{\"allowed\":false,\"outcome\":\"DENIED\",\"tier\":\"network-policy\",\"isolated\":true,\"isolatingPolicies\":[\"y/b-egress\"],\"allowingRules\":[],"
            + "\"explanation\":\"egress from y/b denied: isolated by y/b-egress and no egress rule allows 172.16.9.1 on UDP/53\"},"
            + "\"ingress\":{\"allowed\":true,\"outcome\":\"NOT_A_POD\",\"tier\":\"none\",\"isolated\":false,\"isolatingPolicies\":[],\"allowingRules\":[],"
            + "\"explanation\":\"ingress to 172.16.9.1: not a pod of the cluster, no policy applies\"}}",
        "{\"from\":\"y/b\",\"to\":\"203.0.113.7\",\"port\":443,\"protocol\":\"TCP\",\"allowed\":false,"
            + "\"explanation\":\"denied at egress: egress from y/b denied: isolated by y/b-egress and no egress rule allows 203.0.113.7 on TCP/443;"
            + " ingress to 203.0.113.7: not a pod of the cluster, no policy applies\","
            + "\"egress\":{\"allowed\":false,\"outcome\":\"DENIED\",\"tier\":\"network-policy\",\"isolated\":true,\"isolatingPolicies\":[\"y/b-egress\"],\"allowingRules\":[],"
            + "\"explanation\":\"egress from y/b denied: isolated by y/b-egress and no egress rule allows 203.0.113.7 on TCP/443\"},"
            + "\"ingress\":{\"allowed\":true,\"outcome\":\"NOT_A_POD\",\"tier\":\"none\",\"isolated\":false,\"isolatingPolicies\":[],\"allowingRules\":[],"
            + "\"explanation\":\"ingress to 203.0.113.7: not a pod of the cluster, no policy applies\"}}");
  }

  @Test
  void anIpOfAPodIsThatPodInTheTable() {
    int exit = run(explain("--from", "10.0.2.2", "--to", "10.0.1.1", "--port", "serve-81-tcp"));
    assertThat(exit).isZero();
    assertThat(out.toString()).contains("10.0.2.2 (y/b)  10.0.1.1 (x/a)  TCP/81 (serve-81-tcp)  DENIED   allowed by y/b-egress egress[0]"
        + "  DENIED: isolated by x/a-from-y, x/deny-all, no rule allows");
  }

  @Test
  void aBadPolicyFileExitsTwoNamingFileLineAndField() throws Exception {
    Files.writeString(dir.resolve("policies/broken.yaml"), """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: broken, namespace: x}
        spec:
          podSelector: {}
          ingress:
          - from:
            - ipBlock:
                cidr: 10.0.0.0/33
        """);
    int exit = run(explain("--from", "y/b", "--to", "x/a", "--port", "80"));
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).endsWith("flowtel policy explain: " + dir.resolve("policies/broken.yaml")
        + " line 9: spec.ingress[0].from[0].ipBlock.cidr \"10.0.0.0/33\" is not a CIDR: an IPv4 prefix length is at most 32\n");
  }

  @Test
  void aBadConnectionLineExitsTwoNamingFileAndLine() throws Exception {
    Path connections = dir.resolve("conns.jsonl");
    Files.writeString(connections, """
        {"from":"y/b","to":"x/a","port":80}
        {"from":"y/b","to":"x/zz","port":80}
        """);
    assertThat(run(explain("--connections", connections.toString()))).isEqualTo(2);
    assertThat(err.toString()).endsWith("flowtel policy explain: " + connections + " line 2: \"to\" x/zz: no such pod in --cluster\n");
  }

  @Test
  void moreBadInputs() throws Exception {
    Path connections = dir.resolve("conns.jsonl");
    Files.writeString(connections, "{\"from\":\"y/b\",\"to\":\"x/a\",\"port\":\"http\"}\n");
    assertThat(run(explain("--connections", connections.toString()))).isEqualTo(2);
    assertThat(err.toString()).endsWith(connections + " line 1: x/a has no container port named \"http\" (it has serve-80-tcp, serve-81-tcp)\n");

    Files.writeString(connections, "{\"from\":\"y/b\",\"to\":\"x/a\",\"port\":80,\"protocol\":\"ICMP\"}\n{not json\n");
    assertThat(run(explain("--connections", connections.toString()))).isEqualTo(2);
    assertThat(err.toString()).contains(connections + " line 2: not a JSON object: ");

    assertThat(run(explain("--from", "y/b", "--to", "x/a"))).isEqualTo(2);
    assertThat(err.toString()).endsWith("flowtel policy explain: give --connections <file.jsonl>, or all of --from, --to and --port\n");

    assertThat(run(explain("--from", "y/b", "--to", "nowhere", "--port", "80"))).isEqualTo(2);
    assertThat(err.toString()).endsWith("--from/--to/--port: \"to\" \"nowhere\" is neither namespace/pod nor an IP address\n");
  }
}
