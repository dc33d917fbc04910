package dev.flowtel.sink.elasticsearch.kibana;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Flowtel's Kibana saved objects in Kibana 8's NDJSON export format, as shipped in sinks/kibana/,
 * in two files: {@value #FILE_NAME} (the traffic and anomalies data views, their visualizations,
 * the anomalies search and three dashboards) and {@value #STAGED_POLICIES_FILE_NAME} (the staged
 * verdicts data view and the "Flowtel — staged policies" dashboard). Both are imported; with a
 * custom index prefix the data views' patterns are rewritten to match it.
 *
 * <p>The staged-policies objects have a file of their own because {@code ./flowtel kibana verify}
 * compares every panel of {@link #load()} with a figure of the console, and the console has no
 * staged-policy figure yet: in the one file, verify would fail on them. Once it has, the two files
 * can become one.
 */
public final class KibanaSavedObjects {

  public static final String FILE_NAME = "flowtel-saved-objects.ndjson";
  public static final String STAGED_POLICIES_FILE_NAME = "flowtel-staged-policies.ndjson";
  private static final String RESOURCES = "/dev/flowtel/sink/elasticsearch/kibana/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private KibanaSavedObjects() {}

  /** The objects of {@value #FILE_NAME}, one JSON object per element: the panels {@code kibana verify} checks. */
  public static List<ObjectNode> load() {
    return load(FILE_NAME);
  }

  /** The objects of {@value #STAGED_POLICIES_FILE_NAME}: the staged verdicts data view, panels and dashboard. */
  public static List<ObjectNode> loadStagedPolicies() {
    return load(STAGED_POLICIES_FILE_NAME);
  }

  /** Every object shipped, both files, as {@code kibana import} posts them. */
  public static List<ObjectNode> all() {
    List<ObjectNode> objects = new ArrayList<>(load());
    objects.addAll(loadStagedPolicies());
    return objects;
  }

  private static List<ObjectNode> load(String file) {
    String resource = RESOURCES + file;
    try (InputStream in = KibanaSavedObjects.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Kibana saved objects " + resource + " are missing from the sink's jar");
      }
      List<ObjectNode> objects = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          objects.add((ObjectNode) JSON.readTree(line));
        }
      }
      return objects;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /** The NDJSON to import, both files, with the data views pointing at {@code names}' indices. */
  public static String ndjsonFor(IndexNames names) {
    StringBuilder out = new StringBuilder();
    for (ObjectNode object : all()) {
      if ("index-pattern".equals(object.path("type").asText())) {
        ObjectNode attributes = (ObjectNode) object.get("attributes");
        String title = attributes.get("title").asText();
        if (title.startsWith(IndexNames.DEFAULT_PREFIX)) {
          attributes.put("title", names.prefix() + title.substring(IndexNames.DEFAULT_PREFIX.length()));
        }
      }
      out.append(object).append('\n');
    }
    return out.toString();
  }
}
