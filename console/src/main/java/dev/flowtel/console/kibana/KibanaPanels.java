package dev.flowtel.console.kibana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowtel.console.query.TimeSpan;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.sink.elasticsearch.kibana.KibanaSavedObjects;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shipped Kibana visualizations and saved searches as the searches Kibana issues for them:
 * for a visualization its aggregations (named by their agg ids, buckets nested in the order of the
 * visState, metrics in the innermost bucket, as Kibana's legacy visualizations send them), for a
 * saved search its hits, newest first; both under the panel's KQL and Kibana's time filter on the
 * data view's time field. Anything the translation does not know is refused, naming the panel.
 */
public final class KibanaPanels {

  /** The key Kibana gives documents without the terms' field when a panel asks for a missing bucket. */
  public static final String MISSING_KEY = "__missing__";

  /**
   * The job's default base window. An "auto" date histogram is given buckets of whole base windows,
   * about {@value #HISTOGRAM_POINTS} per range, as the console's edge series is (Kibana's own auto
   * interval depends on the browser's width: any fixed choice is one Kibana could make).
   */
  static final Duration BASE_WINDOW = Duration.ofSeconds(10);
  private static final int HISTOGRAM_POINTS = 60;
  /** Discover's default sample size, what the saved search shows. */
  static final int SEARCH_SIZE = 500;
  private static final Set<String> METRICS = Set.of("sum", "avg", "max", "min", "count", "percentiles");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<ObjectNode> savedObjects;

  /** {@code savedObjects}: Kibana 8 export objects, one per NDJSON line. */
  public KibanaPanels(List<ObjectNode> savedObjects) {
    this.savedObjects = List.copyOf(savedObjects);
  }

  /** The objects shipped in {@code sinks/kibana/flowtel-saved-objects.ndjson}, read from the sink's jar. */
  public static KibanaPanels shipped() {
    return new KibanaPanels(KibanaSavedObjects.load());
  }

  /** The DNS dashboard's objects, {@code sinks/kibana/flowtel-dns.ndjson}: no console figure to compare them with yet. */
  public static KibanaPanels dns() {
    return new KibanaPanels(KibanaSavedObjects.loadDns());
  }

  /**
   * One request per visualization and saved search, in the file's order, over {@code span} and the
   * indices of {@code names}.
   *
   * @throws IllegalArgumentException naming the panel, when it uses something not translated here
   */
  public List<PanelRequest> requests(TimeSpan span, IndexNames names) {
    Map<String, DataView> dataViews = new HashMap<>();
    for (ObjectNode object : savedObjects) {
      if ("index-pattern".equals(object.path("type").asText())) {
        JsonNode attributes = object.path("attributes");
        dataViews.put(object.path("id").asText(), new DataView(attributes.path("title").asText(),
            attributes.path("timeFieldName").asText("@timestamp")));
      }
    }
    List<PanelRequest> requests = new ArrayList<>();
    for (ObjectNode object : savedObjects) {
      String type = object.path("type").asText();
      if (!type.equals("visualization") && !type.equals("search")) {
        continue;
      }
      String id = object.path("id").asText();
      String title = object.path("attributes").path("title").asText();
      try {
        requests.add(request(object, type, span, names, dataViews));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Kibana panel " + id + " (\"" + title + "\"): " + e.getMessage(), e);
      }
    }
    return requests;
  }

  private PanelRequest request(ObjectNode object, String type, TimeSpan span, IndexNames names, Map<String, DataView> dataViews) {
    JsonNode attributes = object.path("attributes");
    JsonNode searchSource = parse(attributes.path("kibanaSavedObjectMeta").path("searchSourceJSON").asText("{}"), "searchSourceJSON");
    DataView dataView = dataViews.get(dataViewId(object, searchSource));
    if (dataView == null) {
      throw new IllegalArgumentException("its data view reference " + dataViewId(object, searchSource) + " is not in the file");
    }
    if (!searchSource.path("filter").isEmpty()) {
      throw new IllegalArgumentException("it has pinned filters " + searchSource.path("filter") + ", which are not translated; use KQL");
    }
    String language = searchSource.path("query").path("language").asText("kuery");
    if (!language.equals("kuery")) {
      throw new IllegalArgumentException("its query language is " + language + "; only KQL (kuery) is translated");
    }
    ObjectNode body = JSON.createObjectNode();
    ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
    filter.add(KqlQuery.translate(searchSource.path("query").path("query").asText("")));
    // Kibana's time filter: both ends inclusive, unlike the console's half-open spans; a document
    // exactly at the end (now) is one the console leaves for the next request.
    filter.addObject().putObject("range").putObject(dataView.timeField()).put("format", "strict_date_optional_time")
        .put("gte", span.from().toString()).put("lte", span.to().toString());
    body.put("track_total_hits", true);
    if (type.equals("search")) {
      body.put("size", SEARCH_SIZE);
      ArrayNode sort = body.putArray("sort");
      for (JsonNode column : attributes.path("sort")) {
        sort.addObject().putObject(column.path(0).asText()).put("order", column.path(1).asText("desc"));
      }
    } else {
      body.put("size", 0);
      aggregations(body, parse(attributes.path("visState").asText("{}"), "visState").path("aggs"), span);
    }
    return new PanelRequest(object.path("id").asText(), attributes.path("title").asText(), indexPattern(dataView, names), body);
  }

  /** Buckets nested in the visState's order, each metric in the innermost bucket; a count is the buckets' doc_count. */
  private static void aggregations(ObjectNode body, JsonNode aggs, TimeSpan span) {
    Map<String, JsonNode> metrics = new HashMap<>();
    List<JsonNode> buckets = new ArrayList<>();
    List<JsonNode> metricOrder = new ArrayList<>();
    for (JsonNode agg : aggs) {
      if (!agg.path("enabled").asBoolean(true)) {
        continue;
      }
      String aggType = agg.path("type").asText();
      if (METRICS.contains(aggType)) {
        metrics.put(agg.path("id").asText(), agg);
        metricOrder.add(agg);
      } else if (aggType.equals("terms") || aggType.equals("date_histogram")) {
        buckets.add(agg);
      } else {
        throw new IllegalArgumentException("its aggregation " + agg.path("id").asText() + " is a " + aggType
            + "; translated are sum, avg, max, min, count, percentiles, terms and date_histogram");
      }
    }
    ObjectNode level = body;
    for (JsonNode bucket : buckets) {
      ObjectNode node = aggsOf(level).putObject(bucket.path("id").asText());
      JsonNode params = bucket.path("params");
      if (bucket.path("type").asText().equals("terms")) {
        terms(node, params, metrics);
      } else {
        ObjectNode histogram = node.putObject("date_histogram");
        histogram.put("field", params.path("field").asText()).put("fixed_interval", interval(params, span))
            .put("time_zone", "UTC").put("min_doc_count", params.path("min_doc_count").asInt(1));
      }
      level = node;
    }
    for (JsonNode metric : metricOrder) {
      if (!metric.path("type").asText().equals("count")) {
        aggsOf(level).set(metric.path("id").asText(), metric(metric));
      }
    }
  }

  private static void terms(ObjectNode node, JsonNode params, Map<String, JsonNode> metrics) {
    if (params.path("otherBucket").asBoolean(false)) {
      throw new IllegalArgumentException("its terms on " + params.path("field").asText()
          + " asks for an other bucket, which Kibana fetches with a second request that is not translated");
    }
    ObjectNode terms = node.putObject("terms");
    terms.put("field", params.path("field").asText());
    if (params.path("missingBucket").asBoolean(false)) {
      // Kibana's own spelling of the missing bucket's key, relabelled in the chart.
      terms.put("missing", MISSING_KEY);
    }
    String orderBy = params.path("orderBy").asText("_key");
    String direction = params.path("order").asText("desc");
    JsonNode metric = metrics.get(orderBy);
    if (orderBy.equals("_key")) {
      terms.putObject("order").put("_key", direction);
    } else if (metric == null) {
      throw new IllegalArgumentException("its terms on " + params.path("field").asText() + " are ordered by " + orderBy
          + ", which is neither _key nor one of its metrics");
    } else if (metric.path("type").asText().equals("count")) {
      terms.putObject("order").put("_count", direction);
    } else if (metric.path("type").asText().equals("percentiles")) {
      throw new IllegalArgumentException("its terms on " + params.path("field").asText() + " are ordered by the percentiles "
          + orderBy + ", one of several values, which is not translated; order by a count or a single-value metric");
    } else {
      // Kibana orders by a metric computed at the terms' own level, which may be above the innermost.
      terms.putObject("order").put(orderBy, direction);
      aggsOf(node).set(orderBy, metric(metric));
    }
    terms.put("size", params.path("size").asInt(5));
  }

  private static ObjectNode metric(JsonNode agg) {
    ObjectNode metric = JSON.createObjectNode();
    ObjectNode body = metric.putObject(agg.path("type").asText());
    body.put("field", agg.path("params").path("field").asText());
    if (agg.path("type").asText().equals("percentiles")) {
      // Kibana's default percents when the panel names none.
      JsonNode percents = agg.path("params").path("percents");
      ArrayNode asked = body.putArray("percents");
      if (percents.isArray() && !percents.isEmpty()) {
        percents.forEach(asked::add);
      } else {
        List.of(1, 5, 25, 50, 75, 95, 99).forEach(asked::add);
      }
    }
    return metric;
  }

  /** An explicit interval as given; "auto" as whole base windows, about {@value #HISTOGRAM_POINTS} per span. */
  static String interval(JsonNode params, TimeSpan span) {
    String interval = params.path("interval").asText("auto");
    if (interval.matches("\\d+[smhd]")) {
      return interval;
    }
    if (!interval.equals("auto")) {
      throw new IllegalArgumentException("its date histogram interval \"" + interval + "\" is not translated; use auto or e.g. 30s");
    }
    long window = BASE_WINDOW.toSeconds();
    long wanted = Math.max(window, Duration.between(span.from(), span.to()).toSeconds() / HISTOGRAM_POINTS);
    return (wanted + window - 1) / window * window + "s";
  }

  private static ObjectNode aggsOf(ObjectNode node) {
    return node.has("aggs") ? (ObjectNode) node.get("aggs") : node.putObject("aggs");
  }

  private static String dataViewId(ObjectNode object, JsonNode searchSource) {
    String refName = searchSource.path("indexRefName").asText("kibanaSavedObjectMeta.searchSourceJSON.index");
    for (JsonNode reference : object.path("references")) {
      if (reference.path("name").asText().equals(refName)) {
        return reference.path("id").asText();
      }
    }
    throw new IllegalArgumentException("it has no reference named " + refName + " for its data view");
  }

  /** The data view's pattern, moved to the prefix in use as {@code kibana import} does. */
  private static String indexPattern(DataView dataView, IndexNames names) {
    for (IndexNames.Kind kind : IndexNames.Kind.values()) {
      if (IndexNames.defaults().pattern(kind).equals(dataView.title())) {
        return names.pattern(kind);
      }
    }
    throw new IllegalArgumentException("its data view " + dataView.title() + " is none of Flowtel's index patterns");
  }

  private static JsonNode parse(String json, String what) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("its " + what + " is not JSON: " + e.getMessage(), e);
    }
  }

  private record DataView(String title, String timeField) {}
}
