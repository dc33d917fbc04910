package dev.flowtel.console.kibana;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ValueNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Translates the KQL our panels use into the Elasticsearch query Kibana sends for it. Only the
 * subset the shipped panels need: empty; {@code field > N} (and {@code <}, {@code >=}, {@code <=});
 * {@code field : "X"}; {@code field : ("A" or "B")}; such clauses joined by {@code and}, and those
 * groups joined by {@code or} ({@code and} binds tighter, as in Kibana). Anything else (parentheses
 * around clauses, {@code not}, wildcards) is refused rather than guessed, so a panel edited into a
 * richer query fails loudly here instead of being checked against a query it does not send.
 */
public final class KqlQuery {

  static final String SUPPORTED = "empty, field > N (or <, >=, <=), field : \"X\", field : (\"A\" or \"B\"), "
      + "those joined by and, and such groups joined by or";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Map<String, String> RANGE_OPERATORS = Map.of(">", "gt", ">=", "gte", "<", "lt", "<=", "lte");

  private final List<String> tokens;
  private int next;

  private KqlQuery(List<String> tokens) {
    this.tokens = tokens;
  }

  /**
   * The query for {@code kql}: {@code match_all} when empty, as Kibana sends. Quoted values become
   * {@code match_phrase}, as Kibana turns them into.
   *
   * @throws IllegalArgumentException naming the query and the subset understood
   */
  public static ObjectNode translate(String kql) {
    if (kql == null || kql.isBlank()) {
      ObjectNode all = NODES.objectNode();
      all.putObject("match_all");
      return all;
    }
    KqlQuery parser = new KqlQuery(tokenize(kql));
    List<ObjectNode> alternatives = new ArrayList<>();
    alternatives.add(parser.conjunction(kql));
    while (parser.peek() != null) {
      parser.expect("or", kql);
      alternatives.add(parser.conjunction(kql));
    }
    if (alternatives.size() == 1) {
      return alternatives.getFirst();
    }
    // Kibana's either-or: a should with at least one match.
    ObjectNode either = NODES.objectNode();
    ObjectNode bool = either.putObject("bool");
    alternatives.forEach(bool.putArray("should")::add);
    bool.put("minimum_should_match", 1);
    return either;
  }

  /** Clauses joined by {@code and}, up to an {@code or} or the end: Kibana's filter of all of them. */
  private ObjectNode conjunction(String kql) {
    List<ObjectNode> clauses = new ArrayList<>();
    clauses.add(clause(kql));
    while (peek() != null && !peek().equalsIgnoreCase("or")) {
      expect("and", kql);
      clauses.add(clause(kql));
    }
    if (clauses.size() == 1) {
      return clauses.getFirst();
    }
    ObjectNode both = NODES.objectNode();
    ArrayNode filter = both.putObject("bool").putArray("filter");
    clauses.forEach(filter::add);
    return both;
  }

  private ObjectNode clause(String kql) {
    String field = take(kql);
    if (!isField(field)) {
      throw unsupported(kql, "expected a field name, found " + field);
    }
    String operator = take(kql);
    if (RANGE_OPERATORS.containsKey(operator)) {
      ObjectNode range = NODES.objectNode();
      range.putObject("range").putObject(field).set(RANGE_OPERATORS.get(operator), number(take(kql), kql));
      return range;
    }
    if (!":".equals(operator)) {
      throw unsupported(kql, "expected :, >, >=, < or <= after " + field + ", found " + operator);
    }
    if (!"(".equals(peek())) {
      return phrase(field, quoted(take(kql), kql));
    }
    take(kql);
    ObjectNode any = NODES.objectNode();
    ObjectNode bool = any.putObject("bool");
    ArrayNode should = bool.putArray("should");
    should.add(phrase(field, quoted(take(kql), kql)));
    while (!")".equals(peek())) {
      expect("or", kql);
      should.add(phrase(field, quoted(take(kql), kql)));
    }
    take(kql);
    bool.put("minimum_should_match", 1);
    return any;
  }

  private static ObjectNode phrase(String field, String value) {
    ObjectNode phrase = NODES.objectNode();
    phrase.putObject("match_phrase").put(field, value);
    return phrase;
  }

  private static ValueNode number(String token, String kql) {
    try {
      return NODES.numberNode(Long.parseLong(token));
    } catch (NumberFormatException notWhole) {
      try {
        return NODES.numberNode(Double.parseDouble(token));
      } catch (NumberFormatException e) {
        throw unsupported(kql, "a range compares with a number, found " + token);
      }
    }
  }

  private static String quoted(String token, String kql) {
    if (token.length() < 2 || token.charAt(0) != '"') {
      throw unsupported(kql, "values are quoted strings, found " + token);
    }
    return token.substring(1, token.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
  }

  private static boolean isField(String token) {
    return token.matches("[A-Za-z_@][A-Za-z0-9_.@-]*") && !token.equalsIgnoreCase("and") && !token.equalsIgnoreCase("or")
        && !token.equalsIgnoreCase("not");
  }

  private void expect(String keyword, String kql) {
    String token = take(kql);
    if (!token.equalsIgnoreCase(keyword)) {
      throw unsupported(kql, "expected " + keyword + ", found " + token);
    }
  }

  private String peek() {
    return next < tokens.size() ? tokens.get(next) : null;
  }

  private String take(String kql) {
    if (next == tokens.size()) {
      throw unsupported(kql, "it ends too early");
    }
    return tokens.get(next++);
  }

  private static List<String> tokenize(String kql) {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    while (i < kql.length()) {
      char c = kql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"') {
        int end = i + 1;
        while (end < kql.length() && kql.charAt(end) != '"') {
          end += kql.charAt(end) == '\\' ? 2 : 1;
        }
        if (end >= kql.length()) {
          throw unsupported(kql, "a quote is not closed");
        }
        tokens.add(kql.substring(i, end + 1));
        i = end + 1;
      } else if (c == '(' || c == ')' || c == ':') {
        tokens.add(String.valueOf(c));
        i++;
      } else if (c == '<' || c == '>') {
        boolean orEqual = i + 1 < kql.length() && kql.charAt(i + 1) == '=';
        tokens.add(orEqual ? c + "=" : String.valueOf(c));
        i += orEqual ? 2 : 1;
      } else {
        int end = i;
        while (end < kql.length() && !Character.isWhitespace(kql.charAt(end)) && "()<>:\"".indexOf(kql.charAt(end)) < 0) {
          end++;
        }
        tokens.add(kql.substring(i, end));
        i = end;
      }
    }
    return tokens;
  }

  private static IllegalArgumentException unsupported(String kql, String why) {
    return new IllegalArgumentException("KQL \"" + kql + "\" is not understood (" + why + "); the panels' check translates "
        + SUPPORTED);
  }
}
