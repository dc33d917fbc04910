package dev.flowtel.core.anomaly.lifecycle;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.flow.FlowSampleView;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.Evidence;
import dev.flowtel.schema.FlowSample;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.Severity;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One anomaly while it lasts: everything a PolicyAnomaly record carries, accumulated over the
 * findings of its episode. Its id is {@code TYPE:key@episode start}, so replays give the same ids
 * and revisions of one anomaly share it. Plain mutable Java, kept in engine state.
 */
public final class AnomalyEpisode implements Serializable {

  private static final long serialVersionUID = 1L;
  /** Sample 5-tuples kept as evidence. */
  public static final int MAX_SAMPLES = 5;

  final String id;
  final AnomalyType type;
  final String key;
  final long startMillis;
  long lastSeenMillis;
  long lastEmittedAtMillis;
  int revision = -1;
  /** Findings arrived since the last emitted revision. */
  boolean pending;
  Severity severity;
  final EdgeEnd source;
  final EdgeEnd destination;
  final Integer destinationPort;
  final Integer protocol;
  final LinkedHashMap<String, Long> counters = new LinkedHashMap<>();
  final LinkedHashMap<String, Double> measurements = new LinkedHashMap<>();
  final ArrayList<FlowSampleView> samples = new ArrayList<>();
  String explanation;

  AnomalyEpisode(Finding first) {
    this.type = first.type();
    this.key = first.key();
    this.startMillis = first.firstMillis();
    this.id = id(first.type(), first.key(), first.firstMillis());
    this.lastSeenMillis = first.lastMillis();
    this.severity = first.severity();
    this.source = first.source();
    this.destination = first.destination();
    this.destinationPort = first.destinationPort();
    this.protocol = first.protocol();
  }

  /** {@code TYPE:key@start}, e.g. {@code PORT_SCAN:10.244.1.7>10.244.2.9@2025-01-06T00:20:00Z}. */
  public static String id(AnomalyType type, String key, long startMillis) {
    return type.name() + ':' + key + '@' + Instant.ofEpochMilli(startMillis);
  }

  void add(Finding f) {
    lastSeenMillis = Math.max(lastSeenMillis, f.lastMillis());
    f.counters().forEach((name, value) -> counters.merge(name, value, Long::sum));
    f.maxima().forEach((name, value) -> counters.merge(name, value, Math::max));
    measurements.putAll(new java.util.TreeMap<>(f.measurements()));
    for (FlowSampleView sample : f.samples()) {
      if (samples.size() < MAX_SAMPLES) {
        samples.add(sample);
      }
    }
    if (f.explanation() != null && explanation == null) {
      explanation = f.explanation();
    }
  }

  public String id() {
    return id;
  }

  public long lastSeenMillis() {
    return lastSeenMillis;
  }

  public long count(String counter) {
    return counters.getOrDefault(counter, 0L);
  }

  public PolicyAnomaly toAvro() {
    Map<String, Long> c = new LinkedHashMap<>(counters);
    Map<String, Double> m = new LinkedHashMap<>(measurements);
    List<FlowSample> s = samples.stream().map(FlowSampleView::toAvro).toList();
    return PolicyAnomaly.newBuilder()
        .setId(id)
        .setType(type)
        .setSeverity(severity)
        .setFirstSeen(Instant.ofEpochMilli(startMillis))
        .setLastSeen(Instant.ofEpochMilli(lastSeenMillis))
        .setSource(source == null ? null : source.toAvro())
        .setDestination(destination == null ? null : destination.toAvro())
        .setDestinationPort(destinationPort)
        .setProtocol(protocol)
        .setEvidence(Evidence.newBuilder().setCounters(c).setMeasurements(m).setSampleFlows(new ArrayList<>(s))
            .setPolicyExplanation(explanation).build())
        .setSummary(AnomalySummaries.summarize(this))
        .setRevision(revision)
        .build();
  }
}
