package dev.flowtel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.deploy.DeployTree.Manifest;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every manifest under deploy/ is a valid object of its type, and runs our programs with options they have. */
class ManifestsTest {

  static Stream<Manifest> manifests() {
    return DeployTree.resources().stream();
  }

  @Test
  void the_overlays_reach_every_deployable_part() {
    Set<String> kinds = new java.util.TreeSet<>();
    manifests().forEach(manifest -> kinds.add(manifest.kind()));
    assertThat(kinds).contains("Namespace", "DaemonSet", "Deployment", "StatefulSet", "ServiceAccount", "ClusterRole",
        "ClusterRoleBinding", "ConfigMap", "KafkaTopic", "FlinkDeployment", "Elasticsearch", "Kibana", "Job");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifests")
  void reads_as_its_kubernetes_type(Manifest manifest) {
    assertThat(ManifestTypes.problems(manifest.tree())).as(manifest.toString()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifests")
  void runs_programs_with_options_they_have(Manifest manifest) {
    for (Containers.Launch launch : Containers.of(manifest.tree(), manifest.toString())) {
      assertThat(Programs.rejection(launch.programClass(), launch.args()))
          .as(launch.where() + " runs " + launch.programClass() + " with " + launch.args())
          .isNull();
      Set<String> readable = new java.util.HashSet<>(Programs.environmentOf(launch.programClass()));
      readable.addAll(Programs.referencedVariables(launch.args()));
      assertThat(readable).as(launch.where() + ": environment variables no option reads and no argument references")
          .containsAll(launch.environment());
    }
  }

  @Test
  void a_misspelt_field_is_caught() {
    Manifest typo = DeployTree.parse(java.nio.file.Path.of("typo.yaml"), """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: x}
        spec:
          selector: {matchLabels: {a: b}}
          template:
            metadata: {labels: {a: b}}
            spec:
              containers:
                - name: c
                  image: ghcr.io/flowtel/tools:0.1.0
                  securityContex: {runAsNonRoot: true}
        """).getFirst();
    assertThat(ManifestTypes.problems(typo.tree())).singleElement().asString()
        .contains("securityContex").contains("containers[0]");
  }

  @Test
  void a_custom_resource_field_outside_its_schema_is_caught() {
    Manifest typo = DeployTree.parse(java.nio.file.Path.of("typo.yaml"), """
        apiVersion: kafka.strimzi.io/v1beta2
        kind: KafkaTopic
        metadata: {name: t}
        spec: {partitions: 0, replica: 3}
        """).getFirst();
    assertThat(String.join("\\n", ManifestTypes.problems(typo.tree()))).contains("replica").contains("partitions");
  }

  @Test
  void an_option_the_program_lacks_is_caught() {
    assertThat(Programs.rejection("dev.flowtel.flink.traffic.TrafficAggregationConfig", List.of("--windw=10s")))
        .contains("--windw");
    assertThat(Programs.rejection("dev.flowtel.cli.FlowtelCommand", List.of("es", "setup", "--replicas=0"))).isNull();
  }
}
