package dev.flowtel.console.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.util.OptionalLong;

/**
 * Which window size a range is read at. The traffic indices hold the job's windows (10 s by
 * default) and their rollups (1 min) side by side, each summing the same flows: a query that
 * mixed them would count every byte twice, so every console query reads exactly one size.
 */
public final class WindowSizes {

  private final ElasticsearchSearch search;
  private final IndexNames names;

  public WindowSizes(ElasticsearchSearch search, IndexNames names) {
    this.search = search;
    this.names = names;
  }

  /** The window size (as {@code event.duration}, nanoseconds) to read the range at; empty when the span has no traffic. */
  public OptionalLong forRange(ConsoleRange range, TimeSpan span) {
    ObjectNode body = search.body();
    body.put("size", 0);
    body.putObject("query").putObject("range").putObject("@timestamp")
        .put("gte", span.from().toString()).put("lt", span.to().toString());
    body.putObject("aggs").putObject("sizes").putObject("terms").put("field", "event.duration").put("size", 10);
    JsonNode buckets = search.search(names.pattern(IndexNames.Kind.TRAFFIC), body).path("aggregations").path("sizes").path("buckets");
    long smallest = Long.MAX_VALUE;
    long largest = Long.MIN_VALUE;
    for (JsonNode bucket : buckets) {
      long size = bucket.path("key").asLong();
      smallest = Math.min(smallest, size);
      largest = Math.max(largest, size);
    }
    if (smallest == Long.MAX_VALUE) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(range.prefersRollups() ? largest : smallest);
  }
}
