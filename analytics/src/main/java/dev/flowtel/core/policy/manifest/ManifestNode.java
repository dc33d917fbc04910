package dev.flowtel.core.policy.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A position in a {@link ManifestDocument}: a field path and its value (absent or null when the
 * field is not there). Reading through it keeps the path, so every error names file, line and
 * field.
 */
public final class ManifestNode {

  private final ManifestDocument document;
  private final String path;
  private final JsonNode value;

  ManifestNode(ManifestDocument document, String path, JsonNode value) {
    this.document = document;
    this.path = path;
    this.value = value;
  }

  public String path() {
    return path;
  }

  public JsonNode value() {
    return value;
  }

  /** Whether the field is there with a value other than null. */
  public boolean present() {
    return value != null && !value.isNull() && !value.isMissingNode();
  }

  public ManifestNode field(String name) {
    JsonNode child = value != null && value.isObject() ? value.get(name) : null;
    return new ManifestNode(document, path.isEmpty() ? name : path + "." + name, child);
  }

  /** The elements of a list; none when the field is absent or null. */
  public List<ManifestNode> elements() {
    if (!present()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw error("must be a list, not " + describe(value));
    }
    List<ManifestNode> out = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      out.add(new ManifestNode(document, path + "[" + i + "]", value.get(i)));
    }
    return out;
  }

  /** Requires an object (a mapping) when present. */
  public ManifestNode object() {
    if (present() && !value.isObject()) {
      throw error("must be a mapping of fields, not " + describe(value));
    }
    return this;
  }

  /** The string value, or null when absent. */
  public String text() {
    if (!present()) {
      return null;
    }
    if (!value.isTextual()) {
      throw error("must be a string, not " + describe(value) + "; quote it");
    }
    return value.textValue();
  }

  /** The string value, which must be there. */
  public String requiredText() {
    String text = text();
    if (text == null || text.isEmpty()) {
      throw error("is missing");
    }
    return text;
  }

  /** The integer value, or {@code absent} when the field is absent. */
  public int integer(int absent) {
    if (!present()) {
      return absent;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw error("must be a whole number, not " + describe(value));
    }
    return value.intValue();
  }

  public boolean bool(boolean absent) {
    if (!present()) {
      return absent;
    }
    if (!value.isBoolean()) {
      throw error("must be true or false, not " + describe(value));
    }
    return value.booleanValue();
  }

  /** A map of strings such as labels; empty when absent. Values must be strings, as in Kubernetes. */
  public Map<String, String> stringMap() {
    if (!present()) {
      return Map.of();
    }
    object();
    Map<String, String> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> entry = fields.next();
      String text = field(entry.getKey()).text();
      out.put(entry.getKey(), text == null ? "" : text);
    }
    return out;
  }

  /** An error at this field: {@code file line N: path problem}. */
  public ManifestException error(String problem) {
    return new ManifestException(document.file(), document.lineOf(path), (path.isEmpty() ? "" : path + " ") + problem);
  }

  static String describe(JsonNode node) {
    if (node.isTextual()) {
      return "\"" + node.textValue() + "\"";
    }
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    return node.toString();
  }
}
