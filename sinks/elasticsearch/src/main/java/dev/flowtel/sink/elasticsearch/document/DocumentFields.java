package dev.flowtel.sink.elasticsearch.document;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a document's nested JSON objects from dotted field names ({@code event.kind}), skipping
 * absent values, so a builder reads like the ECS field table and never writes a field as null.
 */
public final class DocumentFields {

  private final Map<String, Object> root = new LinkedHashMap<>();

  /** Sets {@code dottedName} to {@code value}; null values and empty collections are left out. */
  @SuppressWarnings("unchecked")
  public DocumentFields put(String dottedName, Object value) {
    if (value == null || (value instanceof Collection<?> c && c.isEmpty()) || (value instanceof Map<?, ?> m && m.isEmpty())) {
      return this;
    }
    String[] parts = dottedName.split("\\.");
    Map<String, Object> node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      node = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
    }
    node.put(parts[parts.length - 1], value);
    return this;
  }

  public Map<String, Object> toMap() {
    return root;
  }

  /**
   * The dotted names of every leaf value in {@code document}; objects inside lists are walked too
   * (their fields are mapped as object fields). Values of {@code flattenedFields} are not walked.
   */
  public static List<String> leafNames(Map<String, Object> document, Collection<String> flattenedFields) {
    List<String> names = new ArrayList<>();
    collect("", document, flattenedFields, names);
    return names;
  }

  @SuppressWarnings("unchecked")
  private static void collect(String prefix, Object value, Collection<String> flattened, List<String> names) {
    if (value instanceof Map<?, ?> map && !flattened.contains(prefix)) {
      map.forEach((k, v) -> collect(prefix.isEmpty() ? (String) k : prefix + "." + k, v, flattened, names));
    } else if (value instanceof Collection<?> list && !list.isEmpty() && list.iterator().next() instanceof Map<?, ?>) {
      list.forEach(item -> collect(prefix, item, flattened, names));
    } else if (!names.contains(prefix)) {
      names.add(prefix);
    }
  }
}
