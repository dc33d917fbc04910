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
 * in three files: {@value #FILE_NAME} (the traffic and anomalies data views, their visualizations,
 * the anomalies search and three dashboards), {@value #STAGED_POLICIES_FILE_NAME} (the staged
 * verdicts data view and the "Flowtel — staged policies" dashboard) and {@value #DNS_FILE_NAME}
 * (the DNS data view and the "Flowtel — DNS" dashboard). All are imported; with a custom index
 * prefix the data views' patterns are rewritten to match it.
 *
 * <p>The staged-policies and DNS objects have files of their own because {@code ./flowtel kibana
 * verify} compares every panel of {@link #load()} with a figure of the console, and the console has
 * no staged-policy or DNS figure yet: in the one file, verify would fail on them. (The DNS panels
 * are checked on real data against figures computed from the transactions instead.)
 */
public final class KibanaSavedObjects {

  public static final String FILE_NAME = "flowtel-saved-objects.ndjson";
  public static final String STAGED_POLICIES_FILE_NAME = "flowtel-staged-policies.ndjson";
  public static final String DNS_FILE_NAME = "flowtel-dns.ndjson";
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

  /** The objects of {@value #DNS_FILE_NAME}: the DNS data view, panels, failing-queries search and dashboard. */
  public static List<ObjectNode> loadDns() {
    return load(DNS_FILE_NAME);
  }

  /** Every object shipped, all files, as {@code kibana import} posts them. */
  public static List<ObjectNode> all() {
    List<ObjectNode> objects = new ArrayList<>(load());
    objects.addAll(loadStagedPolicies());
    objects.addAll(loadDns());
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

  /** The NDJSON to import, all files, with the data views pointing at {@code names}' indices. */
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
