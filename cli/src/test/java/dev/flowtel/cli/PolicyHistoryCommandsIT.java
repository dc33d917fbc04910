package dev.flowtel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.PodInfo;
import dev.flowtel.core.policy.PolicyEngine;
import dev.flowtel.core.policy.PolicySet;
import dev.flowtel.core.policy.Protocol;
import dev.flowtel.core.policy.manifest.ManifestContents;
import dev.flowtel.core.policy.manifest.ManifestReader;
import dev.flowtel.core.policy.manifest.ObjectKind;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.sink.elasticsearch.EsTestSupport;
import dev.flowtel.sink.elasticsearch.SampleRecords;
import dev.flowtel.sink.elasticsearch.document.AnomalyDocuments;
import dev.flowtel.sink.elasticsearch.document.IndexDocument;
import dev.flowtel.sink.elasticsearch.document.TrafficDocuments;
import dev.flowtel.testing.ElasticsearchFixture;
import dev.flowtel.testing.WithElasticsearch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Given a shop where frontend calls the checkout Service on 8080 for a minute, and a debug pod's
 * calls to checkout's port 22 happened only while a port scan of debug was open, as the sink wrote
 * them to a real Elasticsearch: {@code policy recommend} writes policies that allow the first and
 * not the second (read back from its YAML and judged by the engine), and {@code policy what-if}
 * with those policies proposed over a cluster with none reports the scan's edge as the one newly
 * denied, exiting 3 when asked to gate on it.
 */
@WithElasticsearch
@Timeout(180)
class PolicyHistoryCommandsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant START = SampleRecords.WINDOW_START;
  private static final String[] PERIOD = {"--since", "2026-11-26T09:00:00Z", "--until", "2026-11-26T11:00:00Z"};

  private final ElasticsearchFixture elasticsearch;
  private EsTestSupport es;
  @TempDir
  Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  PolicyHistoryCommandsIT(ElasticsearchFixture elasticsearch) {
    this.elasticsearch = elasticsearch;
  }

  @BeforeEach
  void fill() throws Exception {
    es = new EsTestSupport(elasticsearch.url());
    es.setup();
    TrafficDocuments traffic = new TrafficDocuments(es.names);
    List<IndexDocument> documents = new ArrayList<>();
    for (int w = 0; w < 6; w++) {
      // 4 flows and 400 * (w + 1) bytes both ways a window: 24 flows, 8,400 bytes.
      documents.add(traffic.build(SampleRecords.traffic("frontend", "checkout", START.plusSeconds(10L * w), 0, 100L * (w + 1))));
    }
    documents.add(traffic.build(ServiceTraffic.newBuilder(SampleRecords.traffic("debug", "checkout", START, 0, 50))
        .setDestinationPort(22).build()));
    documents.add(new AnomalyDocuments(es.names).build(PolicyAnomaly.newBuilder(SampleRecords.anomaly("scan-debug", 1, "10.0.0.9"))
        .setType(AnomalyType.PORT_SCAN).setSource(SampleRecords.workload("shop", "Deployment", "debug"))
        .setDestination(null).setDestinationPort(null)
        .setFirstSeen(START.minusSeconds(10)).setLastSeen(START.plusSeconds(70)).build()));
    es.index(documents);

    Files.writeString(dir.resolve("cluster.yaml"), """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Namespace
          metadata: {name: shop}
        - apiVersion: apps/v1
          kind: Deployment
          metadata: {name: frontend, namespace: shop}
          spec:
            selector: {matchLabels: {app: frontend}}
            template:
              metadata: {labels: {app: frontend}}
              spec: {containers: [{name: web}]}
        - apiVersion: apps/v1
          kind: Deployment
          metadata: {name: checkout, namespace: shop}
          spec:
            selector: {matchLabels: {app: checkout}}
            template:
              metadata: {labels: {app: checkout}}
              spec:
                containers:
                - name: app
                  ports: [{name: http, containerPort: 8080}, {name: ssh, containerPort: 22}]
        - apiVersion: apps/v1
          kind: Deployment
          metadata: {name: debug, namespace: shop}
          spec:
            selector: {matchLabels: {app: debug}}
            template:
              metadata: {labels: {app: debug}}
              spec: {containers: [{name: shell}]}
        - apiVersion: v1
          kind: Service
          metadata: {name: checkout, namespace: shop}
          spec:
            selector: {app: checkout}
            ports: [{name: http, port: 8080, targetPort: http}, {name: ssh, port: 22, targetPort: ssh}]
        """);
  }

  @AfterEach
  void close() {
    es.close();
  }

  @Test
  void recommendWritesPoliciesThatAllowWhatWasUsedAndLeaveTheScanOut() throws Exception {
    Path recommended = dir.resolve("recommended");
    int exit = run(command("recommend", "--out", recommended.toString(), "--default-deny", "--report", dir.resolve("evidence.json").toString()));

    assertThat(exit).as(err.toString()).isZero();
    try (Stream<Path> files = Files.walk(recommended)) {
      assertThat(files.filter(Files::isRegularFile).map(f -> recommended.relativize(f).toString()).sorted())
          .containsExactly("shop/default-deny.yaml", "shop/deployment-checkout.yaml", "shop/deployment-frontend.yaml");
    }
    ManifestContents read = ManifestReader.read(List.of(recommended), EnumSet.of(ObjectKind.NetworkPolicy), "--policies");
    assertThat(read.policies()).extracting(NetworkPolicy::id)
        .contains("shop/default-deny", "shop/flowtel-checkout-ingress", "shop/flowtel-frontend-egress");
    assertThat(read.policies()).extracting(NetworkPolicy::id).doesNotContain("shop/flowtel-debug-egress");

    PolicyEngine engine = PolicyEngine.of(PolicySet.of(List.of(), read.policies()));
    PodInfo frontend = PodInfo.of("shop", "frontend-1", Map.of("app", "frontend"), "10.1.0.1");
    PodInfo checkout = PodInfo.of("shop", "checkout-1", Map.of("app", "checkout"), "10.1.0.2")
        .withNamedPorts(Map.of("http", dev.flowtel.core.policy.ContainerPort.tcp("http", 8080),
            "ssh", dev.flowtel.core.policy.ContainerPort.tcp("ssh", 22)));
    PodInfo debug = PodInfo.of("shop", "debug-1", Map.of("app", "debug"), "10.1.0.3");
    assertThat(engine.evaluate(frontend, checkout, Protocol.TCP, 8080).allowed()).isTrue();
    assertThat(engine.evaluate(debug, checkout, Protocol.TCP, 22).allowed()).isFalse();
    assertThat(engine.evaluate(frontend, checkout, Protocol.TCP, 22).allowed()).isFalse();

    JsonNode report = JSON.readTree(dir.resolve("evidence.json").toFile());
    assertThat(report.path("period").path("edges").asInt()).isEqualTo(2);
    JsonNode leftOut = report.path("leftOut");
    assertThat(leftOut).hasSize(1);
    assertThat(leftOut.get(0).path("edge").asText()).isEqualTo("shop/Deployment/debug>shop/Service/checkout:22/6");
    assertThat(leftOut.get(0).path("reason").asText()).isEqualTo("DURING_ANOMALY");
    assertThat(leftOut.get(0).path("flows").asLong()).isEqualTo(4);
    JsonNode ingress = null;
    for (JsonNode rule : report.path("evidence")) {
      if (rule.path("policy").asText().equals("shop/flowtel-checkout-ingress")) {
        ingress = rule;
      }
    }
    assertThat(ingress).as("evidence of checkout's ingress rule").isNotNull();
    assertThat(ingress.path("flows").asLong()).isEqualTo(24);
    assertThat(ingress.path("bytes").asLong()).isEqualTo(8_400);
    assertThat(ingress.path("firstSeen").asText()).isEqualTo(START.toString());
    assertThat(ingress.path("lastSeen").asText()).isEqualTo(START.plusSeconds(60).toString());
    assertThat(out.toString()).contains("shop/flowtel-checkout-ingress", "left out (DURING_ANOMALY): shop/Deployment/debug>shop/Service/checkout:22/6");
  }

  @Test
  void recommendDiffNamesTheRulesToAddAndTheRulesInForceNothingUsed() throws Exception {
    Files.writeString(dir.resolve("in-force.yaml"), """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: legacy-admin, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: checkout}}
          policyTypes: [Ingress]
          ingress:
          - ports: [{port: 9999}]
        """);
    int exit = run(command("recommend", "--out", dir.resolve("recommended").toString(), "--policies-in-force",
        dir.resolve("in-force.yaml").toString(), "--diff", "--report", dir.resolve("evidence.json").toString()));

    assertThat(exit).as(err.toString()).isZero();
    JsonNode diff = JSON.readTree(dir.resolve("evidence.json").toFile()).path("diff");
    assertThat(diff.path("newPolicies").toString()).contains("\"shop/flowtel-checkout-ingress\"", "\"shop/flowtel-frontend-egress\"");
    assertThat(diff.path("unused")).hasSize(1);
    assertThat(diff.path("unused").get(0).path("policy").asText()).isEqualTo("shop/legacy-admin");
    assertThat(diff.path("unused").get(0).path("direction").asText()).isEqualTo("ingress");
    assertThat(diff.path("unused").get(0).path("rule").asInt()).isZero();
    assertThat(out.toString()).contains("rules in force that no observed traffic used");
  }

  @Test
  void whatIfReportsTheScanEdgeAsNewlyDeniedAndGatesOnIt() throws Exception {
    Path recommended = dir.resolve("recommended");
    assertThat(run(command("recommend", "--out", recommended.toString()))).as(err.toString()).isZero();

    out.getBuffer().setLength(0);
    int table = run(command("what-if", "--policies", recommended.toString()));
    assertThat(table).as(err.toString()).isZero();
    String[] lines = out.toString().split("\n");
    assertThat(lines[0]).startsWith("CHANGE").contains("FROM", "TO", "PORT", "FLOWS", "BYTES", "LAST SEEN");
    assertThat(lines[1].split("\\s{2,}")).startsWith("NEWLY_DENIED", "shop/Deployment/debug", "shop/Deployment/checkout", "tcp/22",
        "4", "200", START.plusSeconds(10).toString());
    assertThat(out.toString()).contains("2 edges: 1 newly denied, 0 newly allowed, 1 still allowed, 0 still denied, 0 undetermined");

    out.getBuffer().setLength(0);
    int gated = run(command("what-if", "--policies", recommended.toString(), "--output", "json", "--fail-on-new-denies"));
    assertThat(gated).isEqualTo(PolicyWhatIfCommand.NEW_DENIES);
    JsonNode answer = JSON.readTree(out.toString());
    assertThat(answer.path("counts").path("NEWLY_DENIED").asInt()).isEqualTo(1);
    assertThat(answer.path("counts").path("STILL_ALLOWED").asInt()).isEqualTo(1);
    JsonNode first = answer.path("edges").get(0);
    assertThat(first.path("change").asText()).isEqualTo("NEWLY_DENIED");
    assertThat(first.path("from").asText()).isEqualTo("shop/Deployment/debug");
    assertThat(first.path("to").asText()).isEqualTo("shop/Deployment/checkout");
    assertThat(first.path("port").asInt()).isEqualTo(22);
    assertThat(first.path("flows").asLong()).isEqualTo(4);
    assertThat(first.path("bytes").asLong()).isEqualTo(200);
    JsonNode second = answer.path("edges").get(1);
    assertThat(second.path("change").asText()).isEqualTo("STILL_ALLOWED");
    assertThat(second.path("flows").asLong()).isEqualTo(24);
    assertThat(second.path("bytes").asLong()).isEqualTo(8_400);

    // The proposal as the policies in force: nothing changes, and the gate passes.
    out.getBuffer().setLength(0);
    assertThat(run(command("what-if", "--policies", recommended.toString(), "--policies-in-force", recommended.toString(),
        "--fail-on-new-denies"))).isZero();
    assertThat(out.toString()).contains("2 edges: 0 newly denied, 0 newly allowed, 1 still allowed, 1 still denied, 0 undetermined");
  }

  @Test
  void whatIfWeighsAnAdminNetworkPolicyAboveTheNetworkPolicies() throws Exception {
    Path recommended = dir.resolve("recommended");
    assertThat(run(command("recommend", "--out", recommended.toString()))).as(err.toString()).isZero();
    // The recommended NetworkPolicies allow frontend -> checkout; an admin-tier Deny overrides them, and an admin-tier
    // Allow lets the debug shell reach ssh whatever the NetworkPolicies say.
    Files.writeString(recommended.resolve("zz-admin.yaml"), """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: freeze-checkout}
        spec:
          priority: 5
          subject:
            pods:
              namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}
              podSelector: {matchLabels: {app: checkout}}
          ingress:
          - name: debug-may-ssh
            action: Allow
            from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: debug}}}}]
            ports: [{portNumber: {protocol: TCP, port: 22}}]
          - name: nobody-else
            action: Deny
            from: [{namespaces: {}}]
        """);

    out.getBuffer().setLength(0);
    assertThat(run(command("what-if", "--policies", recommended.toString(), "--output", "json"))).as(err.toString()).isZero();
    JsonNode answer = JSON.readTree(out.toString());
    assertThat(answer.path("counts").path("NEWLY_DENIED").asInt()).isEqualTo(1);
    assertThat(answer.path("counts").path("STILL_ALLOWED").asInt()).isEqualTo(1);
    for (JsonNode edge : answer.path("edges")) {
      if (edge.path("from").asText().equals("shop/Deployment/frontend")) {
        assertThat(edge.path("change").asText()).isEqualTo("NEWLY_DENIED");
        assertThat(edge.path("explanation").asText()).contains("freeze-checkout");
      } else {
        assertThat(edge.path("from").asText()).isEqualTo("shop/Deployment/debug");
        assertThat(edge.path("change").asText()).isEqualTo("STILL_ALLOWED");
      }
    }
  }

  @Test
  void badInputNamesTheFileAndLine() throws Exception {
    Files.writeString(dir.resolve("bad.yaml"), """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: web}}
        """);
    int exit = run("policy", "what-if", "--es-url", elasticsearch.url(), "--index-prefix", es.names.prefix(),
        "--cluster", dir.resolve("bad.yaml").toString(), "--policies", dir.resolve("cluster.yaml").toString());
    assertThat(exit).isEqualTo(PolicyExplainCommand.BAD_INPUT);
    assertThat(err.toString()).contains("flowtel policy what-if: " + dir.resolve("bad.yaml")
        + " line 5: spec.selector app=api does not select the template's labels app=web; the API server refuses such a Deployment");
    assertThat(run("policy", "recommend", "--cluster", dir.resolve("cluster.yaml").toString(), "--out", dir.toString(),
        "--since", "a week")).isEqualTo(PolicyExplainCommand.BAD_INPUT);
    assertThat(err.toString()).contains("--since \"a week\" is neither a duration (7d, 24h) nor an instant");
  }

  private String[] command(String name, String... more) {
    List<String> args = new ArrayList<>(List.of("policy", name, "--es-url", elasticsearch.url(), "--index-prefix", es.names.prefix(),
        "--cluster", dir.resolve("cluster.yaml").toString()));
    args.addAll(List.of(PERIOD));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private int run(String... args) {
    return new CommandLine(new FlowtelCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }
}
