package dev.flowtel.collector.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The collector's container as {@code deploy/base/collector-daemonset.yaml} declares it, translated
 * field by field into podman options, so that a test runs exactly what the manifest grants: no
 * capability, mount or privilege more. A field the translation does not know fails it rather than
 * being dropped silently, so the manifest and the test cannot drift apart.
 *
 * @param image         the container's image
 * @param options       podman run options: network, security, mounts, environment, memory limit
 * @param args          the container's arguments with {@code $(VAR)} expanded from its environment
 * @param capabilities  the capabilities the manifest adds (without the CAP_ prefix)
 */
record DaemonSetContainer(String image, List<String> options, List<String> args, List<String> capabilities) {

  private static final Set<String> KNOWN_SECURITY_FIELDS =
      Set.of("privileged", "allowPrivilegeEscalation", "readOnlyRootFilesystem", "capabilities", "seccompProfile");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\(([A-Z_][A-Z0-9_]*)\\)");

  /**
   * What the test supplies for what a cluster would: a host directory for each hostPath or configMap
   * volume it replaces (by volume name), and the node name the downward API would give.
   */
  record Node(String name, Map<String, Path> volumeDirectories) {}

  static DaemonSetContainer fromManifest(Path manifest, String containerName, Node node) throws IOException {
    JsonNode daemonSet = new ObjectMapper(new YAMLFactory()).readTree(manifest.toFile());
    JsonNode pod = daemonSet.path("spec").path("template").path("spec");
    JsonNode container = null;
    for (JsonNode c : pod.path("containers")) {
      if (containerName.equals(c.path("name").asText())) {
        container = c;
      }
    }
    if (container == null) {
      throw new IllegalArgumentException(manifest + " has no container " + containerName);
    }
    List<String> options = new ArrayList<>();
    if (!pod.path("hostNetwork").asBoolean(false)) {
      throw new IllegalArgumentException("the collector's pod is expected on the host network");
    }
    options.addAll(List.of("--network", "host"));

    JsonNode security = container.path("securityContext");
    for (Iterator<String> names = security.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!KNOWN_SECURITY_FIELDS.contains(field)) {
        throw new IllegalArgumentException("securityContext." + field + " has no translation to podman: add one");
      }
    }
    if (security.path("privileged").asBoolean(false)) {
      options.add("--privileged");
    }
    if (!security.path("allowPrivilegeEscalation").asBoolean(true)) {
      options.addAll(List.of("--security-opt", "no-new-privileges"));
    }
    if (security.path("readOnlyRootFilesystem").asBoolean(false)) {
      // podman would mount tmpfs on /tmp, /var/tmp and /run of a read-only container; Kubernetes does not.
      options.addAll(List.of("--read-only", "--read-only-tmpfs=false"));
    }
    List<String> added = new ArrayList<>();
    for (JsonNode drop : security.path("capabilities").path("drop")) {
      options.addAll(List.of("--cap-drop", drop.asText()));
    }
    for (JsonNode add : security.path("capabilities").path("add")) {
      added.add(add.asText());
      options.addAll(List.of("--cap-add", "CAP_" + add.asText()));
    }
    // A container's profile overrides the pod's; with neither, a kubelet without --seccomp-default runs it Unconfined.
    JsonNode seccomp = security.path("seccompProfile").isMissingNode()
        ? pod.path("securityContext").path("seccompProfile") : security.path("seccompProfile");
    switch (seccomp.path("type").asText("Unconfined")) {
      case "Unconfined" -> options.addAll(List.of("--security-opt", "seccomp=unconfined"));
      case "RuntimeDefault" -> { } // podman's own default profile
      default -> throw new IllegalArgumentException("seccompProfile " + seccomp + " has no translation to podman");
    }

    Map<String, JsonNode> volumes = new LinkedHashMap<>();
    pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
    for (JsonNode mount : container.path("volumeMounts")) {
      String name = mount.path("name").asText();
      JsonNode volume = volumes.get(name);
      String readOnly = mount.path("readOnly").asBoolean(false) ? ":ro" : "";
      String target = mount.path("mountPath").asText();
      Path replaced = node.volumeDirectories().get(name);
      if (replaced != null) {
        options.addAll(List.of("-v", replaced + ":" + target + readOnly));
      } else if (volume.has("hostPath")) {
        options.addAll(List.of("-v", volume.path("hostPath").path("path").asText() + ":" + target + readOnly));
      } else {
        throw new IllegalArgumentException("volume " + name + " (" + volume + ") needs a host directory from the test");
      }
    }

    Map<String, String> environment = new LinkedHashMap<>();
    for (JsonNode variable : container.path("env")) {
      String name = variable.path("name").asText();
      String value;
      if (variable.has("value")) {
        value = variable.path("value").asText();
      } else if ("spec.nodeName".equals(variable.path("valueFrom").path("fieldRef").path("fieldPath").asText())) {
        value = node.name();
      } else {
        throw new IllegalArgumentException("env " + name + " has no translation: " + variable);
      }
      environment.put(name, value);
      options.addAll(List.of("-e", name + "=" + value));
    }
    String memory = container.path("resources").path("limits").path("memory").asText("");
    if (!memory.isEmpty()) {
      options.addAll(List.of("--memory", memory.replace("Mi", "m").replace("Gi", "g")));
    }

    List<String> args = new ArrayList<>();
    for (JsonNode arg : container.path("args")) {
      Matcher m = VARIABLE.matcher(arg.asText());
      args.add(m.replaceAll(r -> Matcher.quoteReplacement(environment.getOrDefault(r.group(1), r.group()))));
    }
    return new DaemonSetContainer(container.path("image").asText(), List.copyOf(options), List.copyOf(args), List.copyOf(added));
  }

  /** The options with one added capability left out. */
  List<String> optionsWithout(String capability) {
    List<String> fewer = new ArrayList<>();
    for (int i = 0; i < options.size(); i++) {
      if (options.get(i).equals("--cap-add") && options.get(i + 1).equals("CAP_" + capability)) {
        i++;
      } else {
        fewer.add(options.get(i));
      }
    }
    return fewer;
  }

  /** The arguments with {@code --name=value} options replaced (by name) and the rest appended. */
  List<String> argsWith(Map<String, String> replaced, List<String> appended) {
    List<String> result = new ArrayList<>();
    for (String arg : args) {
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      result.add(replaced.containsKey(name) ? name + "=" + replaced.get(name) : arg);
    }
    result.addAll(appended);
    return result;
  }
}
