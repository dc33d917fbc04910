package dev.flowtel.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The containers a manifest runs, with the program each runs and the arguments and env it is given. */
final class Containers {

  /** One container (or a FlinkDeployment's job) of a manifest. */
  record Launch(String where, String programClass, List<String> args, List<String> environment) {}

  private Containers() {}

  static List<Launch> of(JsonNode manifest, String where) {
    List<Launch> launches = new ArrayList<>();
    if ("FlinkDeployment".equals(manifest.path("kind").asText())) {
      JsonNode job = manifest.path("spec").path("job");
      launches.add(new Launch(where + " job", Programs.programOfFlinkEntryClass(job.path("entryClass").asText()),
          texts(job.path("args")), List.of()));
      return launches;
    }
    JsonNode podSpec = podSpec(manifest);
    if (podSpec.isMissingNode()) {
      return launches;
    }
    for (String list : List.of("initContainers", "containers")) {
      for (JsonNode container : podSpec.path(list)) {
        List<String> environment = new ArrayList<>();
        container.path("env").forEach(variable -> environment.add(variable.path("name").asText()));
        List<String> args = new ArrayList<>(texts(container.path("command")));
        args.addAll(texts(container.path("args")));
        launches.add(new Launch(where + " container " + container.path("name").asText(),
            Programs.programOfImage(container.path("image").asText()), args, environment));
      }
    }
    return launches;
  }

  private static JsonNode podSpec(JsonNode manifest) {
    return switch (manifest.path("kind").asText()) {
      case "Deployment", "DaemonSet", "StatefulSet", "Job", "ReplicaSet" -> manifest.path("spec").path("template").path("spec");
      case "CronJob" -> manifest.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
      case "Pod" -> manifest.path("spec");
      default -> com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    };
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }
}
