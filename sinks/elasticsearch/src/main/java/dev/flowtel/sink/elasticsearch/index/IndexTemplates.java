package dev.flowtel.sink.elasticsearch.index;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowtel.sink.elasticsearch.identity.DocumentIds;
import dev.flowtel.sink.elasticsearch.index.IndexNames.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The bodies of every component template, index template and lifecycle policy Flowtel installs,
 * built from the mapping files next to this class. Each body carries in {@code _meta} a hash of
 * itself, which is how setup tells an installed resource that is up to date from one to upgrade.
 */
public final class IndexTemplates {

  public static final String HASH_META = "flowtel_hash";
  /** Wins over the built-in templates (priority 100 and below) that could match {@code *-traffic-*}. */
  static final int PRIORITY = 300;
  static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final String RESOURCES = "/dev/flowtel/sink/elasticsearch/index/";

  private final IndexSettings settings;

  public IndexTemplates(IndexSettings settings) {
    this.settings = settings;
  }

  public IndexSettings settings() {
    return settings;
  }

  /** The shared ECS mappings (strict: a field not mapped here or in the index template is rejected). */
  public ObjectNode ecsComponent() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.putObject("template").set("mappings", resource("ecs-mappings.json"));
    return withMeta(body);
  }

  public ObjectNode settingsComponent() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode index = body.putObject("template").putObject("settings").putObject("index");
    index.put("number_of_shards", settings.shards());
    index.put("number_of_replicas", settings.replicas());
    index.put("refresh_interval", settings.refreshInterval());
    return withMeta(body);
  }

  /** The index-specific mappings of {@code kind}, without the shared ECS part. */
  public static ObjectNode kindMappings(Kind kind) {
    return resource(kind.suffix() + "-mappings.json");
  }

  /** The complete mapping an index of {@code kind} gets: the ECS component merged with the kind's own fields. */
  public static ObjectNode effectiveMappings(Kind kind) {
    ObjectNode merged = resource("ecs-mappings.json");
    merge(merged, kindMappings(kind));
    return merged;
  }

  public ObjectNode indexTemplate(Kind kind, boolean withLifecycle) {
    IndexNames names = settings.names();
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.putArray("index_patterns").add(names.pattern(kind));
    body.put("priority", PRIORITY);
    ArrayNode composedOf = body.putArray("composed_of");
    composedOf.add(names.settingsComponentTemplate());
    composedOf.add(names.ecsComponentTemplate());
    ObjectNode template = body.putObject("template");
    template.set("mappings", kindMappings(kind));
    template.putObject("aliases").putObject(names.alias(kind));
    if (withLifecycle) {
      template.putObject("settings").put("index.lifecycle.name", names.lifecyclePolicy(kind));
    }
    return withMeta(body);
  }

  /** Deletes each index of {@code kind} once its retention has passed since the index was created. */
  public ObjectNode lifecyclePolicy(Kind kind) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode policy = body.putObject("policy");
    policy.putObject("phases").putObject("delete").put("min_age", settings.retention(kind)).putObject("actions").putObject("delete");
    String hash = hash(body);
    policy.putObject("_meta").put("managed_by", "flowtel").put(HASH_META, hash);
    return body;
  }

  static String hash(ObjectNode body) {
    try {
      return DocumentIds.of(JSON.writeValueAsString(JSON.treeToValue(body, Map.class)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode withMeta(ObjectNode body) {
    String hash = hash(body);
    body.putObject("_meta").put("managed_by", "flowtel").put(HASH_META, hash);
    return body;
  }

  private static ObjectNode resource(String name) {
    try (InputStream in = IndexTemplates.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("mapping resource " + RESOURCES + name + " is missing from the sink's jar");
      }
      return (ObjectNode) JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read mapping resource " + name, e);
    }
  }

  private static void merge(ObjectNode target, ObjectNode source) {
    Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> fields = source.fields();
    while (fields.hasNext()) {
      var field = fields.next();
      if (target.get(field.getKey()) instanceof ObjectNode existing && field.getValue() instanceof ObjectNode addition) {
        merge(existing, addition);
      } else {
        target.set(field.getKey(), field.getValue().deepCopy());
      }
    }
  }
}
