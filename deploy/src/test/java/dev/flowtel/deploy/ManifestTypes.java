package dev.flowtel.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a manifest into its Kubernetes type and says what does not fit: built-in kinds through
 * fabric8's model (a misspelt or mistyped field lands in a model's additionalProperties, which a
 * cluster would silently drop), custom resources against their CRD schema kept under
 * {@code src/test/resources/crds}.
 */
final class ManifestTypes {

  /** apiVersion/kind to the schema file of a custom resource. */
  private static final Map<String, String> CUSTOM_RESOURCE_SCHEMAS = Map.of(
      "flink.apache.org/v1beta1/FlinkDeployment", "flinkdeployments.flink.apache.org-v1beta1.json",
      "kafka.strimzi.io/v1beta2/KafkaTopic", "kafkatopics.kafka.strimzi.io-v1beta2.json",
      "elasticsearch.k8s.elastic.co/v1/Elasticsearch", "elasticsearches.elasticsearch.k8s.elastic.co-v1.json",
      "kibana.k8s.elastic.co/v1/Kibana", "kibanas.kibana.k8s.elastic.co-v1.json");

  private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
  private static final ObjectMapper JSON = new ObjectMapper();

  private ManifestTypes() {}

  static boolean isCustomResource(JsonNode tree) {
    return CUSTOM_RESOURCE_SCHEMAS.containsKey(typeKey(tree));
  }

  /** The problems found, empty when the manifest is a valid object of its type. */
  static List<String> problems(JsonNode tree) {
    List<String> problems = new ArrayList<>();
    if (tree.path("apiVersion").asText().isEmpty() || tree.path("kind").asText().isEmpty()) {
      problems.add("apiVersion and kind are required");
      return problems;
    }
    if (tree.path("metadata").path("name").asText().isEmpty()) {
      problems.add("metadata.name is required");
    }
    String schemaFile = CUSTOM_RESOURCE_SCHEMAS.get(typeKey(tree));
    if (schemaFile != null) {
      for (ValidationMessage message : schema(schemaFile).validate(tree)) {
        problems.add(message.getMessage());
      }
      return problems;
    }
    Object typed;
    try {
      typed = KUBERNETES.unmarshal(tree.toString());
    } catch (RuntimeException e) {
      problems.add("does not read as " + typeKey(tree) + ": " + e.getMessage());
      return problems;
    }
    if (typed instanceof GenericKubernetesResource || !(typed instanceof KubernetesResource)) {
      problems.add(typeKey(tree) + " is neither a Kubernetes kind nor a custom resource with a schema here");
      return problems;
    }
    collectUnknownFields(typed, "", problems, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
    return problems;
  }

  private static String typeKey(JsonNode tree) {
    return tree.path("apiVersion").asText() + "/" + tree.path("kind").asText();
  }

  private static final Map<String, JsonSchema> SCHEMAS = new java.util.concurrent.ConcurrentHashMap<>();

  private static JsonSchema schema(String file) {
    return SCHEMAS.computeIfAbsent(file, name -> {
      try (InputStream in = ManifestTypes.class.getResourceAsStream("/crds/" + name)) {
        if (in == null) {
          throw new IllegalStateException("missing CRD schema data file crds/" + name);
        }
        JsonNode openApi = JSON.readTree(in);
        ObjectNode root = (ObjectNode) openApi.deepCopy();
        root.remove("$comment");
        // The root's apiVersion, kind and metadata belong to the API server, not to the CRD's schema.
        root.properties().forEach(entry -> closeObjects(entry.getValue()));
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(root);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /**
   * The API server prunes fields a structural schema does not name, so a typo would vanish
   * silently; the check treats them as errors instead, except where the CRD keeps unknown fields.
   */
  private static JsonNode closeObjects(JsonNode node) {
    if (node instanceof ObjectNode object) {
      if (object.has("properties") && !object.has("additionalProperties")
          && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
        object.put("additionalProperties", false);
      }
      object.remove("$comment");
      object.properties().forEach(entry -> {
        if (!"enum".equals(entry.getKey()) && !"example".equals(entry.getKey())) {
          closeObjects(entry.getValue());
        }
      });
    } else if (node.isArray()) {
      node.forEach(ManifestTypes::closeObjects);
    }
    return node;
  }

  /** Walks fabric8 model objects; any non-empty additionalProperties is a field the type lacks. */
  private static void collectUnknownFields(Object value, String path, List<String> problems, Set<Object> seen) {
    if (value == null || !seen.add(value)) {
      return;
    }
    if (value instanceof Collection<?> items) {
      int index = 0;
      for (Object item : items) {
        collectUnknownFields(item, path + "[" + index++ + "]", problems, seen);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((key, item) -> collectUnknownFields(item, path + "." + key, problems, seen));
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
        continue;
      }
      Object child;
      try {
        child = getter.invoke(value);
      } catch (ReflectiveOperationException e) {
        continue;
      }
      String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
      if (field.equals("additionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          problems.add((path.isEmpty() ? "" : path.substring(1) + ": ") + "unknown or mistyped field(s) " + extra.keySet());
        }
      } else {
        collectUnknownFields(child, path + "." + field, problems, seen);
      }
    }
  }
}
