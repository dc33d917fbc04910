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
 * Flowtel's Kibana saved objects (data views, visualizations, the anomalies search and three
 * dashboards) in Kibana 8's NDJSON export format, as shipped in sinks/kibana/. With a custom index
 * prefix the data views' patterns are rewritten to match it.
 */
public final class KibanaSavedObjects {

  public static final String FILE_NAME = "flowtel-saved-objects.ndjson";
  private static final String RESOURCE = "/dev/flowtel/sink/elasticsearch/kibana/" + FILE_NAME;
  private static final ObjectMapper JSON = new ObjectMapper();

  private KibanaSavedObjects() {}

  /** The objects as shipped, one JSON object per element. */
  public static List<ObjectNode> load() {
    try (InputStream in = KibanaSavedObjects.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Kibana saved objects " + RESOURCE + " are missing from the sink's jar");
      }
      List<ObjectNode> objects = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          objects.add((ObjectNode) JSON.readTree(line));
        }
      }
      return objects;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** The NDJSON to import, with the data views pointing at {@code names}' indices. */
  public static String ndjsonFor(IndexNames names) {
    StringBuilder out = new StringBuilder();
    for (ObjectNode object : load()) {
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
