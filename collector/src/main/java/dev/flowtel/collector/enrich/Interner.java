package dev.flowtel.collector.enrich;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares equal strings and label maps between pods: 10 k pods use a few hundred namespaces, nodes
 * and label sets, so sharing them is most of what keeps the cache small.
 */
final class Interner {

  private final ConcurrentHashMap<String, String> strings = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Map<String, String>, Map<String, String>> labelSets = new ConcurrentHashMap<>();

  String string(String s) {
    return s == null ? null : strings.computeIfAbsent(s, k -> k);
  }

  Map<String, String> labels(Map<String, String> labels) {
    if (labels == null || labels.isEmpty()) {
      return Map.of();
    }
    Map<String, String> shared = new HashMap<>(labels.size() * 2);
    labels.forEach((k, v) -> shared.put(string(k), string(v)));
    Map<String, String> frozen = Map.copyOf(shared);
    return labelSets.computeIfAbsent(frozen, k -> k);
  }

  /** Forgets everything; strings already handed out stay valid. Called when the maps grow past {@code limit}. */
  void trimTo(int limit) {
    if (strings.size() > limit) {
      strings.clear();
    }
    if (labelSets.size() > limit) {
      labelSets.clear();
    }
  }
}
