package dev.flowtel.core.policy.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One YAML document or JSON value of a file, as a Jackson tree, with the line where each field
 * path ({@code spec.ingress[0].from[1].ipBlock.cidr}) was written, so that errors found after
 * parsing still name the line.
 */
public final class ManifestDocument {

  private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final YAMLFactory YAML = YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final String file;
  private final JsonNode root;
  private final Map<String, Integer> lines;

  private ManifestDocument(String file, JsonNode root, Map<String, Integer> lines) {
    this.file = file;
    this.root = root;
    this.lines = lines;
  }

  /**
   * The documents of a text: every {@code ---}-separated YAML document, or the one JSON value
   * when {@code json}. Empty documents are left out.
   *
   * @param file the name errors give for this text
   * @throws ManifestException when the text is not well-formed YAML or JSON, with the line
   */
  public static List<ManifestDocument> parse(String file, String text, boolean json) {
    List<ManifestDocument> documents = new ArrayList<>();
    try (Reader reader = new StringReader(text);
        JsonParser parser = (json ? JSON : YAML).createParser(reader)) {
      while (parser.nextToken() != null) {
        Map<String, Integer> lines = new HashMap<>();
        JsonNode root = read(parser, "", lines);
        // "---" at the end of a file, or twice in a row, makes an empty document: nothing to read.
        if (!root.isNull() && !(root.isTextual() && root.textValue().isBlank())) {
          documents.add(new ManifestDocument(file, root, lines));
        }
      }
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new ManifestException(file, line, "not valid " + (json ? "JSON" : "YAML") + ": " + oneLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ManifestException(file, 0, "cannot read: " + e.getMessage());
    }
    return documents;
  }

  /** SnakeYAML's multi-line messages, without the lines that repeat the position. */
  private static String oneLine(String message) {
    return String.join("; ", message.lines().map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("in 'reader'") && !l.startsWith("^")).toList());
  }

  public String file() {
    return file;
  }

  public JsonNode root() {
    return root;
  }

  /** The cursor at the root of the document, from which fields are read with their paths. */
  public ManifestNode top() {
    return new ManifestNode(this, "", root);
  }

  /** The line of {@code path}, or of its nearest enclosing path that has one. */
  public int lineOf(String path) {
    String p = path;
    while (true) {
      Integer line = lines.get(p);
      if (line != null) {
        return line;
      }
      if (p.isEmpty()) {
        return 0;
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut < 0 ? "" : p.substring(0, cut);
    }
  }

  /** Builds the tree of the value at the parser's current token, noting the line of every path. */
  private static JsonNode read(JsonParser parser, String path, Map<String, Integer> lines) throws IOException {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    lines.putIfAbsent(path, parser.currentTokenLocation().getLineNr());
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT -> {
        ObjectNode object = nodes.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          String child = path.isEmpty() ? name : path + "." + name;
          // The key's line is where a reader looks for the field, whatever follows it.
          lines.put(child, parser.currentTokenLocation().getLineNr());
          parser.nextToken();
          object.set(name, read(parser, child, lines));
        }
        return object;
      }
      case START_ARRAY -> {
        ArrayNode array = nodes.arrayNode();
        int index = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(read(parser, path + "[" + index++ + "]", lines));
        }
        return array;
      }
      case VALUE_STRING -> {
        return nodes.textNode(parser.getText());
      }
      case VALUE_NUMBER_INT -> {
        return switch (parser.getNumberType()) {
          case INT -> nodes.numberNode(parser.getIntValue());
          case LONG -> nodes.numberNode(parser.getLongValue());
          default -> nodes.numberNode(parser.getBigIntegerValue());
        };
      }
      case VALUE_NUMBER_FLOAT -> {
        return nodes.numberNode(parser.getDecimalValue());
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return nodes.booleanNode(token == JsonToken.VALUE_TRUE);
      }
      case VALUE_NULL -> {
        return nodes.nullNode();
      }
      default -> {
        // Embedded binary (YAML !!binary) and the like: kept as text so errors can quote it.
        return nodes.textNode(parser.getText());
      }
    }
  }
}
