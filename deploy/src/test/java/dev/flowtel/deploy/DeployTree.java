package dev.flowtel.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The manifests under {@code deploy/} as Kustomize sees them: every file a kustomization lists as
 * a resource, one {@link Manifest} per YAML document, and the overlays users apply.
 */
final class DeployTree {

  static final YAMLMapper YAML = new YAMLMapper();

  /** One Kubernetes object as written in a file. */
  record Manifest(Path file, int document, JsonNode tree) {

    String kind() {
      return tree.path("kind").asText();
    }

    String name() {
      return tree.path("metadata").path("name").asText();
    }

    /** Where to look: {@code flink/traffic-aggregation.yaml#0 (FlinkDeployment flowtel-traffic-aggregation)}. */
    @Override
    public String toString() {
      return root().relativize(file) + "#" + document + " (" + kind() + " " + name() + ")";
    }
  }

  private DeployTree() {}

  /** The deploy/ folder: the module's base directory when Maven runs the tests. */
  static Path root() {
    Path here = Path.of("").toAbsolutePath();
    if (Files.isDirectory(here.resolve("overlays"))) {
      return here;
    }
    return here.resolve("deploy");
  }

  /** Kustomization folders users apply: the overlays. */
  static List<Path> overlays() {
    try (Stream<Path> dirs = Files.list(root().resolve("overlays"))) {
      return dirs.filter(dir -> Files.exists(dir.resolve("kustomization.yaml"))).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every resource document reachable from the overlays, each file once. */
  static List<Manifest> resources() {
    Set<Path> files = new LinkedHashSet<>();
    for (Path overlay : overlays()) {
      collectResources(overlay, files);
    }
    List<Manifest> manifests = new ArrayList<>();
    for (Path file : files) {
      manifests.addAll(read(file));
    }
    return manifests;
  }

  static List<Manifest> read(Path file) {
    try {
      return parse(file, Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Manifest> parse(Path file, String yaml) {
    List<Manifest> manifests = new ArrayList<>();
    try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      int index = 0;
      while (documents.hasNext()) {
        JsonNode tree = documents.next();
        if (tree != null && !tree.isNull() && !tree.isEmpty()) {
          manifests.add(new Manifest(file, index, tree));
        }
        index++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": not YAML: " + e.getMessage(), e);
    }
    return manifests;
  }

  private static void collectResources(Path kustomizationDir, Set<Path> files) {
    JsonNode kustomization = read(kustomizationDir.resolve("kustomization.yaml")).getFirst().tree();
    for (JsonNode resource : kustomization.path("resources")) {
      Path target = kustomizationDir.resolve(resource.asText()).normalize();
      if (Files.isDirectory(target)) {
        collectResources(target, files);
      } else if (Files.isRegularFile(target)) {
        files.add(target);
      } else {
        throw new IllegalStateException(kustomizationDir.resolve("kustomization.yaml") + ": resource "
            + resource.asText() + " does not exist");
      }
    }
  }
}
