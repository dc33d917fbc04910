package dev.flowtel.streams.http;

import dev.flowtel.streams.metrics.AppMetrics;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/** The Prometheus text exposition of the app's counters and Kafka Streams' numeric metrics (as gauges). */
final class PrometheusText {

  private PrometheusText() {}

  static String render(AppMetrics app, Map<MetricName, ? extends Metric> streams) {
    StringBuilder out = new StringBuilder();
    app.counters().forEach((name, counter) -> out.append("# HELP ").append(name).append(' ').append(counter.help()).append('\n')
        .append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(counter.value()).append('\n'));
    app.producedLatency.appendPrometheusText(out);
    Map<String, Map<String, Object>> byName = new TreeMap<>();
    Map<String, String> help = new TreeMap<>();
    for (Map.Entry<MetricName, ? extends Metric> e : streams.entrySet()) {
      Object value = e.getValue().metricValue();
      if (!(value instanceof Number number) || Double.isNaN(number.doubleValue())) {
        continue;
      }
      MetricName m = e.getKey();
      String name = sanitize("kafka_" + m.group().replace("-metrics", "") + "_" + m.name());
      StringBuilder labels = new StringBuilder();
      new TreeMap<>(m.tags()).forEach((k, v) -> labels.append(labels.isEmpty() ? "" : ",").append(sanitize(k)).append("=\"")
          .append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
      byName.computeIfAbsent(name, k -> new TreeMap<>()).put(labels.toString(), number);
      help.putIfAbsent(name, m.description().replace('\n', ' '));
    }
    byName.forEach((name, series) -> {
      out.append("# HELP ").append(name).append(' ').append(help.get(name)).append('\n');
      out.append("# TYPE ").append(name).append(" gauge\n");
      series.forEach((labels, value) -> out.append(name).append(labels.isEmpty() ? "" : "{" + labels + "}").append(' ')
          .append(format(value)).append('\n'));
    });
    return out.toString();
  }

  private static String format(Object value) {
    double d = ((Number) value).doubleValue();
    if (Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  private static String sanitize(String name) {
    return name.replaceAll("[^a-zA-Z0-9_]", "_");
  }
}
