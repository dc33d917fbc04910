package dev.flowtel.core.policy.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.policy.ContainerPort;
import dev.flowtel.core.policy.LabelSelector;
import dev.flowtel.core.policy.history.ClusterInventory;
import dev.flowtel.core.policy.history.InventoryService;
import dev.flowtel.core.policy.history.InventoryWorkload;
import dev.flowtel.schema.NetworkClass;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Given a cluster as {@code kubectl get namespaces,deployments,statefulsets,daemonsets,replicasets,
 * jobs,cronjobs,pods,services -A -o yaml} prints it, the inventory holds the workloads service edges
 * name (owned ReplicaSets, Jobs and Pods left to their controllers), with their selectors, pod
 * labels and named ports, and the Services with their selectors.
 */
class ClusterInventoryReadingTest {

  private static final String CLUSTER = """
      apiVersion: v1
      kind: List
      items:
      - apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
          labels: {team: payments}
      - apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: checkout
          namespace: shop
          resourceVersion: "1201"
        spec:
          replicas: 3
          selector:
            matchLabels: {app: checkout}
            matchExpressions:
            - {key: tier, operator: In, values: [backend]}
          template:
            metadata:
              labels: {app: checkout, tier: backend, version: v2}
            spec:
              containers:
              - name: app
                image: shop/checkout:2
                ports:
                - {name: http, containerPort: 8080, protocol: TCP}
                - {containerPort: 9090}
              - name: sidecar
                ports:
                - {name: metrics, containerPort: 9102}
      - apiVersion: apps/v1
        kind: ReplicaSet
        metadata:
          name: checkout-7d9f8b6c5
          namespace: shop
          ownerReferences:
          - {apiVersion: apps/v1, kind: Deployment, name: checkout, controller: true, blockOwnerDeletion: true, uid: 1}
        spec:
          selector: {matchLabels: {app: checkout, pod-template-hash: 7d9f8b6c5}}
          template:
            metadata: {labels: {app: checkout, pod-template-hash: 7d9f8b6c5}}
            spec: {containers: [{name: app}]}
      - apiVersion: v1
        kind: Pod
        metadata:
          name: checkout-7d9f8b6c5-x2x9q
          namespace: shop
          labels: {app: checkout, tier: backend}
          ownerReferences:
          - {apiVersion: apps/v1, kind: ReplicaSet, name: checkout-7d9f8b6c5, controller: true, uid: 2}
        spec: {containers: [{name: app}]}
        status: {podIP: 10.1.0.7}
      - apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: orders-db, namespace: shop}
        spec:
          serviceName: orders-db
          selector: {matchLabels: {app: orders-db}}
          template:
            metadata: {labels: {app: orders-db}}
            spec:
              containers:
              - name: postgres
                ports: [{name: postgres, containerPort: 5432}]
      - apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: node-agent, namespace: kube-system}
        spec:
          selector: {matchLabels: {k8s-app: node-agent}}
          template:
            metadata: {labels: {k8s-app: node-agent}}
            spec:
              containers:
              - name: agent
                ports: [{name: dns-udp, containerPort: 5353, protocol: UDP}]
      - apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly-report, namespace: shop}
        spec:
          schedule: "0 2 * * *"
          jobTemplate:
            spec:
              template:
                metadata: {labels: {app: report}}
                spec: {containers: [{name: report}], restartPolicy: OnFailure}
      - apiVersion: batch/v1
        kind: Job
        metadata:
          name: nightly-report-29000000
          namespace: shop
          ownerReferences:
          - {apiVersion: batch/v1, kind: CronJob, name: nightly-report, controller: true, uid: 3}
        spec:
          selector: {matchLabels: {batch.kubernetes.io/controller-uid: abc}}
          template:
            metadata: {labels: {app: report, batch.kubernetes.io/controller-uid: abc}}
            spec: {containers: [{name: report}]}
      - apiVersion: batch/v1
        kind: Job
        metadata: {name: migrate, namespace: shop}
        spec:
          selector: {matchLabels: {batch.kubernetes.io/controller-uid: def}}
          template:
            metadata: {labels: {job-name: migrate, batch.kubernetes.io/controller-uid: def}}
            spec: {containers: [{name: migrate}]}
      - apiVersion: v1
        kind: Pod
        metadata:
          name: debug
          namespace: shop
          labels: {run: debug}
        spec:
          containers:
          - name: shell
            ports: [{name: ssh, containerPort: 22}]
        status: {podIP: 10.1.0.9}
      - apiVersion: v1
        kind: Service
        metadata: {name: checkout, namespace: shop}
        spec:
          selector: {app: checkout}
          ports: [{port: 80, targetPort: http}]
      - apiVersion: v1
        kind: Service
        metadata: {name: orders-db, namespace: shop}
        spec:
          clusterIP: None
          selector: {app: orders-db}
      - apiVersion: v1
        kind: Service
        metadata: {name: legacy-crm, namespace: shop}
        spec:
          ports: [{port: 443}]
      """;

  private static ManifestContents cluster(String text) {
    return ManifestReader.readText("cluster.yaml", text, false, ObjectKind.inventory());
  }

  @Test
  void workloadsAreWhatServiceEdgesNameWithTheirSelectorsLabelsAndNamedPorts() {
    ManifestContents contents = cluster(CLUSTER);

    assertThat(contents.workloads()).containsExactly(
        new InventoryWorkload("shop", "Deployment", "checkout",
            LabelSelector.of(Map.of("app", "checkout"), LabelSelector.Requirement.in("tier", "backend")),
            Map.of("app", "checkout", "tier", "backend", "version", "v2"),
            List.of(ContainerPort.tcp("http", 8080), ContainerPort.tcp("metrics", 9102))),
        new InventoryWorkload("shop", "StatefulSet", "orders-db", LabelSelector.matchLabels(Map.of("app", "orders-db")),
            Map.of("app", "orders-db"), List.of(ContainerPort.tcp("postgres", 5432))),
        new InventoryWorkload("kube-system", "DaemonSet", "node-agent", LabelSelector.matchLabels(Map.of("k8s-app", "node-agent")),
            Map.of("k8s-app", "node-agent"), List.of(ContainerPort.udp("dns-udp", 5353))),
        new InventoryWorkload("shop", "CronJob", "nightly-report", LabelSelector.matchLabels(Map.of("app", "report")),
            Map.of("app", "report"), List.of()),
        new InventoryWorkload("shop", "Job", "migrate",
            LabelSelector.matchLabels(Map.of("batch.kubernetes.io/controller-uid", "def")),
            Map.of("job-name", "migrate", "batch.kubernetes.io/controller-uid", "def"), List.of()),
        new InventoryWorkload("shop", "Pod", "debug", LabelSelector.matchLabels(Map.of("run", "debug")),
            Map.of("run", "debug"), List.of(ContainerPort.tcp("ssh", 22))));
    assertThat(contents.services()).containsExactly(
        new InventoryService("shop", "checkout", Map.of("app", "checkout")),
        new InventoryService("shop", "orders-db", Map.of("app", "orders-db")),
        new InventoryService("shop", "legacy-crm", Map.of()));
    assertThat(contents.pods()).hasSize(2);
    assertThat(contents.warnings()).isEmpty();
  }

  @Test
  void theInventoryResolvesServiceEdgeEndsToWorkloads() {
    ClusterInventory inventory = cluster(CLUSTER).inventory();

    assertThat(inventory.namespace("shop").labels()).containsEntry("team", "payments");
    assertThat(inventory.workloadsOf(new EdgeEnd("shop", "Service", "checkout", NetworkClass.SERVICE)))
        .extracting(InventoryWorkload::key).containsExactly("shop/Deployment/checkout");
    assertThat(inventory.workloadsOf(new EdgeEnd("shop", "CronJob", "nightly-report", NetworkClass.POD)))
        .extracting(InventoryWorkload::key).containsExactly("shop/CronJob/nightly-report");
    assertThat(inventory.workloadsOf(new EdgeEnd("shop", "Service", "legacy-crm", NetworkClass.SERVICE))).isEmpty();
    assertThat(inventory.workload("shop", "ReplicaSet", "checkout-7d9f8b6c5")).isEmpty();
  }

  @Test
  void aListOfDeploymentsAsKubectlGetOJsonPrintsItIsRead() {
    ManifestContents contents = ManifestReader.readText("deployments.json", """
        {
          "apiVersion": "v1",
          "kind": "List",
          "items": [
            {
              "apiVersion": "apps/v1",
              "kind": "Deployment",
              "metadata": {"name": "web", "namespace": "front"},
              "spec": {
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                  "metadata": {"labels": {"app": "web"}},
                  "spec": {"containers": [{"name": "nginx", "ports": [{"name": "http", "containerPort": 80}]}]}
                }
              }
            }
          ],
          "metadata": {"resourceVersion": ""}
        }
        """, true, ObjectKind.inventory());
    assertThat(contents.workloads()).containsExactly(new InventoryWorkload("front", "Deployment", "web",
        LabelSelector.matchLabels(Map.of("app", "web")), Map.of("app", "web"), List.of(ContainerPort.tcp("http", 80))));
  }

  @Test
  void aWorkloadNoLabelCanSelectIsKeptWithAWarning() {
    ManifestContents contents = cluster("""
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: cleanup
          namespace: ops
        spec:
          schedule: "@hourly"
          jobTemplate:
            spec:
              template:
                spec: {containers: [{name: cleanup}]}
        """);
    assertThat(contents.workloads()).extracting(InventoryWorkload::key).containsExactly("ops/CronJob/cleanup");
    assertThat(contents.warnings()).containsExactly("cluster.yaml line 3: CronJob ops/cleanup has no pod labels:"
        + " a policy can select its pods only with every pod of its namespace");
  }

  @Test
  void badWorkloadsNameTheLineAndWhatToFix() {
    String head = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: front}\nspec:\n";
    assertThatThrownBy(() -> cluster(head + "  template:\n    metadata: {labels: {app: web}}\n"))
        .hasMessage("cluster.yaml line 4: spec.selector is missing: a Deployment (apps/v1) selects its pods with spec.selector");
    assertThatThrownBy(() -> cluster(head + "  selector:\n    matchLabels: {app: api}\n  template:\n    metadata: {labels: {app: web}}\n"))
        .hasMessage("cluster.yaml line 5: spec.selector app=api does not select the template's labels app=web;"
            + " the API server refuses such a Deployment");
    assertThatThrownBy(() -> cluster(head + "  selector: {}\n  template:\n    metadata: {labels: {app: web}}\n"))
        .hasMessage("cluster.yaml line 5: spec.selector is empty; a Deployment must select its pods by labels (the API server refuses {})");
    assertThatThrownBy(() -> cluster(head + "  selector: {matchLabels: {app: web}}\n"))
        .hasMessage("cluster.yaml line 4: spec.template is missing: a Deployment runs pods from its template");
    assertThatThrownBy(() -> cluster(head + "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
        + "    spec:\n      containers:\n      - name: nginx\n        ports:\n        - name: http\n          containerPort: 80000\n"))
        .hasMessage("cluster.yaml line 13: spec.template.spec.containers[0].ports[0].containerPort must be a port in 1..65535");
    assertThatThrownBy(() -> cluster("apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: front}\nspec:\n"
        + "  selector:\n    app: [web]\n"))
        .hasMessage("cluster.yaml line 6: spec.selector.app must be a string, not a list; quote it");
  }
}
