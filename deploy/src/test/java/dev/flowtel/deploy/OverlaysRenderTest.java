package dev.flowtel.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowtel.deploy.DeployTree.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What users apply is an overlay after Kustomize merged its patches: render each one with
 * {@code kubectl kustomize} and check the result like the sources.
 */
class OverlaysRenderTest {

  static Stream<Path> overlays() {
    return DeployTree.overlays().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void renders_to_valid_objects_running_real_options(Path overlay) throws Exception {
    assumeTrue(kubectl() != null, "kubectl is not installed, so overlays cannot be rendered here");
    Process process = new ProcessBuilder(kubectl(), "kustomize", overlay.toString()).redirectErrorStream(false).start();
    String rendered = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    // Both streams ended, so kubectl is exiting: wait for its status, not for a time limit.
    assertThat(process.waitFor()).as("kubectl kustomize " + overlay + ": " + errors).isZero();

    List<Manifest> manifests = DeployTree.parse(overlay.resolve("rendered"), rendered);
    assertThat(manifests).hasSizeGreaterThan(10);
    for (Manifest manifest : manifests) {
      assertThat(ManifestTypes.problems(manifest.tree())).as(manifest.toString()).isEmpty();
      for (Containers.Launch launch : Containers.of(manifest.tree(), manifest.toString())) {
        assertThat(Programs.rejection(launch.programClass(), launch.args())).as(launch.where()).isNull();
      }
    }
  }

  private static String kubectl() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
