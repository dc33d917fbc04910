package dev.flowtel.sink.elasticsearch.document;

import java.util.Map;
import java.util.Objects;

/**
 * One document to write: where it goes, under which deterministic id, and its JSON source as
 * nested maps. {@code externalVersion}, when set, is written with {@code version_type=external}
 * so Elasticsearch keeps only the highest revision of the document.
 */
public record IndexDocument(String index, String id, Long externalVersion, Map<String, Object> source) {

  public IndexDocument {
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
  }
}
