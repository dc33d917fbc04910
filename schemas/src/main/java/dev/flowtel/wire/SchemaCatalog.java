package dev.flowtel.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Every published version of every Flowtel schema, by fingerprint, so a reader decodes records
 * written with any earlier (or later) published version. Versions are the files
 * {@code flowtel/schemas/<Type>/v<N>.avsc} on the classpath, numbered from 1 without gaps; a
 * version, once published, never changes.
 */
public final class SchemaCatalog {

  /** Classpath folder of the published versions; the same files are checked in under schemas/src/main/resources. */
  public static final String RESOURCE_ROOT = "flowtel/schemas/";

  private static final SchemaCatalog PUBLISHED = load(SchemaCatalog.class.getClassLoader());

  private final Map<String, List<PublishedSchema>> versionsByType;
  private final Map<Long, PublishedSchema> byFingerprint;

  /** One published version of one record type. */
  public record PublishedSchema(String typeName, int version, Schema schema, long fingerprint) {}

  private SchemaCatalog(Map<String, List<PublishedSchema>> versionsByType) {
    this.versionsByType = versionsByType;
    Map<Long, PublishedSchema> index = new HashMap<>();
    versionsByType.values().forEach(list -> list.forEach(s -> index.putIfAbsent(s.fingerprint(), s)));
    this.byFingerprint = index;
  }

  /** The catalog of the versions published with this build. */
  public static SchemaCatalog published() {
    return PUBLISHED;
  }

  static SchemaCatalog load(ClassLoader loader) {
    Map<String, List<PublishedSchema>> versions = new LinkedHashMap<>();
    for (RecordType<?> type : RecordType.all()) {
      List<PublishedSchema> list = new ArrayList<>();
      for (int v = 1; ; v++) {
        String path = RESOURCE_ROOT + type.name() + "/v" + v + ".avsc";
        try (InputStream in = loader.getResourceAsStream(path)) {
          if (in == null) {
            break;
          }
          Schema schema = new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          list.add(new PublishedSchema(type.name(), v, schema, fingerprint(schema)));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read published schema " + path, e);
        }
      }
      if (list.isEmpty()) {
        throw new IllegalStateException("no published version of " + type.name() + " on the classpath under " + RESOURCE_ROOT);
      }
      versions.put(type.name(), Collections.unmodifiableList(list));
    }
    return new SchemaCatalog(Collections.unmodifiableMap(versions));
  }

  /** The CRC-64-AVRO fingerprint of the schema's parsing canonical form, as single-object encoding writes it. */
  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  public Optional<PublishedSchema> findByFingerprint(long fingerprint) {
    return Optional.ofNullable(byFingerprint.get(fingerprint));
  }

  /** Published versions of one type, oldest first. */
  public List<PublishedSchema> versions(String typeName) {
    List<PublishedSchema> list = versionsByType.get(typeName);
    if (list == null) {
      throw new IllegalArgumentException("unknown record type " + typeName + "; known: " + versionsByType.keySet());
    }
    return list;
  }

  public PublishedSchema latest(String typeName) {
    List<PublishedSchema> list = versions(typeName);
    return list.get(list.size() - 1);
  }
}
