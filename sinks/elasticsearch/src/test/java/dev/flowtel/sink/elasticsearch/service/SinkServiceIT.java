package dev.flowtel.sink.elasticsearch.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.core.staged.StagedPolicyWindows;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.schema.StagedPolicyVerdict;
import dev.flowtel.sink.elasticsearch.EsTestSupport;
import dev.flowtel.sink.elasticsearch.SampleRecords;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.document.DnsDocuments;
import dev.flowtel.sink.elasticsearch.document.IndexDocument;
import dev.flowtel.sink.elasticsearch.document.StagedVerdictDocuments;
import dev.flowtel.sink.elasticsearch.index.IndexNames.Kind;
import dev.flowtel.sink.elasticsearch.writer.WriterSettings;
import dev.flowtel.testing.ElasticsearchFixture;
import dev.flowtel.testing.InputProducer;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.NewTopics;
import dev.flowtel.testing.WithElasticsearch;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.DeadLetterHeaders;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import dev.flowtel.core.latency.LatencyHistogram;
import dev.flowtel.sink.elasticsearch.metrics.SinkLatency;
import dev.flowtel.sink.elasticsearch.metrics.SinkMetricsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.elasticsearch.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The standalone sink end to end, on a real Kafka broker and a real Elasticsearch: a replayed
 * topic with duplicates and revisions gives exact counts and sums; while Elasticsearch is stopped
 * the sink holds its batch back and commits nothing, and after it returns nothing is lost; a
 * record the mapping refuses and a record that does not decode land on the dead-letter topic with
 * their reasons; DNS transactions end in the DNS index as ECS DNS documents; a replayed staged
 * verdict is one document.
 */
@WithKafka
@WithElasticsearch
@Timeout(300)
class SinkServiceIT {

  private final KafkaFixture kafka;
  private final ElasticsearchFixture elasticsearch;
  private final EsTestSupport es;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String trafficTopic = "it-traffic-" + run;
  private final String anomaliesTopic = "it-anomalies-" + run;
  private final String stagedTopic = "it-staged-" + run;
  private final String flowsTopic = "it-flows-" + run;
  private final String dnsTopic = "it-dns-" + run;
  private final String deadLetterTopic = "it-dlq-" + run;
  private final String group = "it-sink-" + run;
  private final WireCodec<ServiceTraffic> trafficCodec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
  private final WireCodec<PolicyAnomaly> anomalyCodec = WireCodec.of(RecordType.POLICY_ANOMALY);
  private final WireCodec<StagedPolicyVerdict> stagedCodec = WireCodec.of(RecordType.STAGED_POLICY_VERDICT);
  private final WireCodec<DnsTransaction> dnsCodec = WireCodec.of(RecordType.DNS_TRANSACTION);
  private InputProducer producer;
  private SinkService sink;
  private Thread sinkThread;

  SinkServiceIT(KafkaFixture kafka, ElasticsearchFixture elasticsearch) {
    this.kafka = kafka;
    this.elasticsearch = elasticsearch;
    this.es = new EsTestSupport(elasticsearch.url());
  }

  @BeforeEach
  void start() throws Exception {
    es.setup();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      NewTopics.create(admin, List.of(new NewTopic(trafficTopic, 2, (short) 1), new NewTopic(anomaliesTopic, 1, (short) 1),
          new NewTopic(stagedTopic, 1, (short) 1), new NewTopic(deadLetterTopic, 1, (short) 1), new NewTopic(flowsTopic, 1, (short) 1),
          new NewTopic(dnsTopic, 1, (short) 1)));
    }
    producer = InputProducer.create(kafka.bootstrapServers());
    SinkServiceSettings settings = SinkServiceSettings.defaults(kafka.bootstrapServers(), ElasticsearchConnection.to(elasticsearch.url()))
        .withGroupId(group).withNames(es.names)
        .withWriter(WriterSettings.defaults().withBatch(200, 1 << 20, Duration.ofMillis(200)).withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2)))
        .withTopics(trafficTopic, anomaliesTopic, flowsTopic, deadLetterTopic).withStagedVerdictsTopic(stagedTopic)
        // Raw events (flows, every flow kept, and DNS transactions) as --flows consumes them.
        .withFlows(true, 1).withDnsTopic(dnsTopic);
    sink = new SinkService(settings);
    sinkThread = new Thread(() -> {
      try {
        sink.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "sink-under-test");
    sinkThread.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    sink.close();
    sinkThread.join(30_000);
    producer.close();
    es.close();
  }

  @Test
  void aReplayedTopicWithRevisionsGivesExactCountsAndSums() throws Exception {
    long expectedBytes = 0;
    List<ServiceTraffic> windows = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      windows.add(SampleRecords.traffic("client-" + (i % 30), "service-" + (i % 4), SampleRecords.WINDOW_START.plusSeconds(10L * (i / 30)), 0, 100 + i));
    }
    for (ServiceTraffic t : windows) {
      sendTraffic(t);
    }
    for (ServiceTraffic t : windows) {      // the whole topic again, as a replay would produce it
      sendTraffic(t);
    }
    for (int i = 0; i < windows.size(); i++) {
      ServiceTraffic t = windows.get(i);
      if (i % 10 == 0) {                     // late flows revised every tenth window
        sendTraffic(ServiceTraffic.newBuilder(t).setRevision(1).setBytesToDestination(t.getBytesToDestination() + 50).build());
        expectedBytes += t.getBytesToDestination() + 50;
      } else {
        expectedBytes += t.getBytesToDestination();
      }
    }
    sendTraffic(windows.get(0));             // a stale revision arriving last
    producer.flush();

    awaitCommitted(trafficTopic, 300 + 300 + 30 + 1);
    String traffic = es.names.pattern(Kind.TRAFFIC);
    assertThat(es.count(traffic)).isEqualTo(300);
    assertThat(es.sum(traffic, "source.bytes")).isEqualTo(expectedBytes);
    assertThat(es.sum(traffic, "flowtel.revision")).isEqualTo(30);
  }

  @Test
  void elasticsearchAwayLosesNothingAndCommitsNothingMeanwhile() throws Exception {
    for (int i = 0; i < 100; i++) {
      sendTraffic(SampleRecords.traffic("before-" + i, "checkout", SampleRecords.WINDOW_START, 0, 10));
    }
    producer.flush();
    awaitCommitted(trafficTopic, 100);

    elasticsearch.stop();
    try {
      for (int i = 0; i < 200; i++) {
        sendTraffic(SampleRecords.traffic("during-" + i, "checkout", SampleRecords.WINDOW_START, 0, 20));
      }
      producer.flush();
      // The sink has decided about the records it read during the outage: a correct one holds
      // them back; one that commits without Elasticsearch's acknowledgement has committed them.
      await(() -> sink.waitingForElasticsearch() || committedOrZero(trafficTopic) > 100, Duration.ofSeconds(120),
          "sink to hold back the records it read while Elasticsearch was away, or to commit them");
      assertThat(committed(trafficTopic)).as("offsets committed while Elasticsearch was away").isEqualTo(100);
    } finally {
      elasticsearch.start();
    }
    for (int i = 0; i < 50; i++) {
      sendTraffic(SampleRecords.traffic("after-" + i, "checkout", SampleRecords.WINDOW_START, 0, 30));
    }
    producer.flush();

    awaitCommitted(trafficTopic, 350);
    String traffic = es.names.pattern(Kind.TRAFFIC);
    assertThat(es.count(traffic)).isEqualTo(350);
    assertThat(es.sum(traffic, "source.bytes")).isEqualTo(100 * 10 + 200 * 20 + 50 * 30);
  }

  /**
   * Given an anomaly the mapping refuses and a good one, a record on the traffic topic that does
   * not decode, and on the DNS topic an answered and an NXDOMAIN transaction and a record that does
   * not decode: then the good anomaly and both DNS transactions are documents (the DNS ones in the
   * day's DNS index, exactly the builder's ECS DNS documents), and the three others are dead
   * letters with their reasons.
   */
  @Test
  void refusedAndUndecodableRecordsLandInTheDeadLetterTopicWithTheirReasonsAndDnsInTheDnsIndex() throws Exception {
    byte[] refused = anomalyCodec.encode(SampleRecords.anomaly("bad-sample", 0, "not-an-address"));
    producer.send(new ProducerRecord<>(anomaliesTopic, "bad-sample".getBytes(StandardCharsets.UTF_8), refused));
    producer.send(new ProducerRecord<>(anomaliesTopic, anomalyCodec.encode(SampleRecords.anomaly("good", 0, "10.244.1.5"))));
    byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
    producer.send(new ProducerRecord<>(trafficTopic, garbage));
    DnsTransaction answered = SampleRecords.dnsTransaction();
    DnsTransaction nxdomain = DnsTransaction.newBuilder(answered).setQueryName("q7x.gen.test").setTransactionId(4661)
        .setQueryTime(answered.getQueryTime().plusSeconds(1)).setResponseTime(answered.getQueryTime().plusSeconds(1).plusNanos(900_000))
        .setLatencyNanos(900_000L).setResponseCode(3).setAnswerCount(0).setAnswers(List.of()).build();
    byte[] dnsKey = "shop/Deployment/checkout".getBytes(StandardCharsets.UTF_8);
    producer.send(new ProducerRecord<>(dnsTopic, dnsKey, dnsCodec.encode(answered)));
    producer.send(new ProducerRecord<>(dnsTopic, dnsKey, dnsCodec.encode(nxdomain)));
    byte[] dnsGarbage = "not a dns transaction".getBytes(StandardCharsets.UTF_8);
    producer.send(new ProducerRecord<>(dnsTopic, dnsKey, dnsGarbage));
    producer.flush();

    awaitCommitted(anomaliesTopic, 2);
    awaitCommitted(trafficTopic, 1);
    awaitCommitted(dnsTopic, 3);
    assertThat(es.count(es.names.pattern(Kind.ANOMALIES))).isEqualTo(1);

    assertThat(es.count(es.names.pattern(Kind.DNS))).isEqualTo(2);
    ObjectMapper json = new ObjectMapper();
    for (DnsTransaction t : List.of(answered, nxdomain)) {
      IndexDocument expected = new DnsDocuments(es.names).build(t);
      assertThat(expected.index()).isEqualTo(es.names.prefix() + "dns-2026.11.26");
      JsonNode stored = get("/" + expected.index() + "/_doc/" + expected.id()).path("_source");
      assertThat(stored).isEqualTo(json.readTree(json.writeValueAsString(expected.source())));
    }
    JsonNode stored = get("/" + new DnsDocuments(es.names).build(answered).index() + "/_doc/"
        + DnsDocuments.documentId(answered)).path("_source");
    assertThat(stored.path("dns").path("question").path("name").asText()).isEqualTo("api.example.com");
    assertThat(stored.path("dns").path("question").path("type").asText()).isEqualTo("A");
    assertThat(stored.path("dns").path("response_code").asText()).isEqualTo("NOERROR");
    assertThat(stored.path("dns").path("resolved_ip")).hasToString("[\"104.20.67.143\",\"172.67.1.1\"]");
    assertThat(stored.path("event").path("duration").asLong()).isEqualTo(2_500_000L);
    assertThat(stored.path("client").path("ip").asText()).isEqualTo("10.244.1.5");
    assertThat(stored.path("server").path("ip").asText()).isEqualTo("10.96.0.10");
    assertThat(stored.path("flowtel").path("client").path("id").asText()).isEqualTo("shop/Deployment/checkout");
    JsonNode nxdomainStored = get("/" + new DnsDocuments(es.names).build(nxdomain).index() + "/_doc/"
        + DnsDocuments.documentId(nxdomain)).path("_source");
    assertThat(nxdomainStored.path("dns").path("response_code").asText()).isEqualTo("NXDOMAIN");
    assertThat(nxdomainStored.path("event").path("outcome").asText()).isEqualTo("success");

    List<ConsumerRecord<byte[], byte[]>> dead = readAll(deadLetterTopic, 3);
    Map<String, ConsumerRecord<byte[], byte[]>> bySource = new HashMap<>();
    dead.forEach(r -> bySource.put(header(r, DeadLetterHeaders.SOURCE_TOPIC), r));
    ConsumerRecord<byte[], byte[]> mapping = bySource.get(anomaliesTopic);
    assertThat(mapping.value()).isEqualTo(refused);
    assertThat(new String(mapping.key(), StandardCharsets.UTF_8)).isEqualTo("bad-sample");
    assertThat(header(mapping, DeadLetterHeaders.REASON)).isEqualTo("es-mapping-rejected");
    assertThat(header(mapping, DeadLetterHeaders.DETAIL)).startsWith("document_parsing_exception: ")
        .contains("flowtel.evidence.sample_flows.source_ip");
    assertThat(header(mapping, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
    assertThat(header(mapping, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
    assertThat(header(mapping, DeadLetterHeaders.PRODUCER)).isEqualTo("es-sink");
    ConsumerRecord<byte[], byte[]> undecodable = bySource.get(trafficTopic);
    assertThat(undecodable.value()).isEqualTo(garbage);
    assertThat(header(undecodable, DeadLetterHeaders.REASON)).isEqualTo("not-single-object");
    assertThat(header(undecodable, DeadLetterHeaders.DETAIL)).contains("C3 01");
    ConsumerRecord<byte[], byte[]> undecodableDns = bySource.get(dnsTopic);
    assertThat(undecodableDns.value()).isEqualTo(dnsGarbage);
    assertThat(undecodableDns.key()).isEqualTo(dnsKey);
    assertThat(header(undecodableDns, DeadLetterHeaders.REASON)).isEqualTo("not-single-object");
    assertThat(header(undecodableDns, DeadLetterHeaders.DETAIL)).contains("C3 01");
    assertThat(header(undecodableDns, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("2");
  }

  /**
   * Given one staged verdict sent twice (a replay) and a record on the staged topic that does not
   * decode, then the verdict is one document, exactly the builder's, in an index the staged-verdicts
   * template shaped (strict mapping with the staged fields, the alias), and the other record is a
   * dead letter with the decoder's reason.
   */
  @Test
  void aStagedVerdictWrittenTwiceIsOneDocumentInTheTemplatesIndex() throws Exception {
    StagedPolicyVerdict verdict = SampleRecords.stagedVerdict("deny-frontend", SampleRecords.WINDOW_START);
    byte[] key = StagedPolicyWindows.recordKey(verdict).getBytes(StandardCharsets.UTF_8);
    producer.send(new ProducerRecord<>(stagedTopic, key, stagedCodec.encode(verdict)));
    producer.send(new ProducerRecord<>(stagedTopic, key, stagedCodec.encode(verdict)));
    byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
    producer.send(new ProducerRecord<>(stagedTopic, garbage));
    producer.flush();

    awaitCommitted(stagedTopic, 3);
    assertThat(es.count(es.names.pattern(Kind.STAGED_VERDICTS))).isEqualTo(1);
    IndexDocument expected = new StagedVerdictDocuments(es.names).build(verdict);
    ObjectMapper json = new ObjectMapper();
    JsonNode stored = get("/" + expected.index() + "/_doc/" + expected.id());
    assertThat(stored.path("_source")).isEqualTo(json.readTree(json.writeValueAsString(expected.source())));
    JsonNode index = get("/" + expected.index()).path(expected.index());
    assertThat(index.path("aliases").has(es.names.alias(Kind.STAGED_VERDICTS))).as("the template's alias").isTrue();
    JsonNode staged = index.path("mappings").path("properties").path("flowtel").path("properties").path("staged").path("properties");
    assertThat(index.path("mappings").path("dynamic").asText()).isEqualTo("strict");
    assertThat(staged.path("would_deny_flows").path("type").asText()).isEqualTo("long");
    assertThat(staged.path("policy").path("properties").path("id").path("type").asText()).isEqualTo("keyword");

    ConsumerRecord<byte[], byte[]> dead = readAll(deadLetterTopic, 1).get(0);
    assertThat(header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(stagedTopic);
    assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("not-single-object");
    assertThat(dead.value()).isEqualTo(garbage);
  }

  private JsonNode get(String path) throws Exception {
    return new ObjectMapper().readTree(es.clients.rest().performRequest(new Request("GET", path)).getEntity().getContent());
  }

  /**
   * Given first revisions whose evidence ended a known time ago and later revisions beside them,
   * then each first revision is counted once in both histograms of its kind, later revisions not
   * at all, every latency lies between (first send - evidence end) and (checked - evidence end), no
   * document is acknowledged before its record was read, and /metrics serves the same counts.
   */
  @Test
  void latencyHistogramsCountEachFirstRevisionFromItsEvidenceEnd() throws Exception {
    Instant evidenceEnd = Instant.now().minusSeconds(3).truncatedTo(ChronoUnit.MILLIS);
    long sent = System.currentTimeMillis();
    for (int i = 0; i < 20; i++) {
      PolicyAnomaly first = PolicyAnomaly.newBuilder(SampleRecords.anomaly("lat-" + i, 0, "10.244.1.5")).setLastSeen(evidenceEnd).build();
      producer.send(new ProducerRecord<>(anomaliesTopic, first.getId().getBytes(StandardCharsets.UTF_8), anomalyCodec.encode(first)));
    }
    for (int i = 0; i < 5; i++) {
      PolicyAnomaly later = PolicyAnomaly.newBuilder(SampleRecords.anomaly("lat-" + i, 1, "10.244.1.5")).setLastSeen(evidenceEnd).build();
      producer.send(new ProducerRecord<>(anomaliesTopic, later.getId().getBytes(StandardCharsets.UTF_8), anomalyCodec.encode(later)));
    }
    Instant windowStart = evidenceEnd.minusSeconds(10);
    for (int i = 0; i < 10; i++) {
      sendTraffic(SampleRecords.traffic("lat-client-" + i, "checkout", windowStart, 0, 10));
    }
    for (int i = 0; i < 3; i++) {
      sendTraffic(SampleRecords.traffic("lat-client-" + i, "checkout", windowStart, 1, 11));
    }
    producer.flush();
    awaitCommitted(anomaliesTopic, 25);
    awaitCommitted(trafficTopic, 13);
    long checked = System.currentTimeMillis();

    SinkLatency latency = sink.latency();
    long lower = sent - evidenceEnd.toEpochMilli();
    long upper = checked - evidenceEnd.toEpochMilli();
    for (String kind : List.of(SinkLatency.ANOMALY, SinkLatency.TRAFFIC)) {
      long records = kind.equals(SinkLatency.ANOMALY) ? 20 : 10;
      LatencyHistogram.Snapshot committed = latency.committed(kind);
      LatencyHistogram.Snapshot indexed = latency.indexed(kind);
      assertThat(committed.count()).as(kind + " records read").isEqualTo(records);
      assertThat(indexed.count()).as(kind + " documents acknowledged").isEqualTo(records);
      for (LatencyHistogram.Snapshot s : List.of(committed, indexed)) {
        assertThat(s.sumMillis()).as(kind + " latency sum").isBetween(records * lower, records * upper);
        assertThat(s.maxMillis()).as(kind + " largest latency").isBetween(lower, upper);
      }
      assertThat(indexed.sumMillis()).as(kind + ": acknowledged after read").isGreaterThanOrEqualTo(committed.sumMillis());
    }

    try (SinkMetricsServer metrics = SinkMetricsServer.start(0, latency, sink::writerStats)) {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(response.body()).contains(
          "# TYPE flowtel_sink_evidence_to_committed_seconds histogram\n",
          "flowtel_sink_evidence_to_committed_seconds_bucket{kind=\"anomaly\",le=\"+Inf\"} 20\n",
          "flowtel_sink_evidence_to_committed_seconds_count{kind=\"traffic\"} 10\n",
          "# TYPE flowtel_sink_evidence_to_indexed_seconds histogram\n",
          "flowtel_sink_evidence_to_indexed_seconds_count{kind=\"anomaly\"} 20\n",
          "flowtel_sink_evidence_to_indexed_seconds_bucket{kind=\"traffic\",le=\"+Inf\"} 10\n",
          "# TYPE flowtel_sink_documents_written_total counter\n");
      // Nothing of the evidence is younger than the 3 s the records were old when sent.
      assertThat(response.body()).contains("flowtel_sink_evidence_to_committed_seconds_bucket{kind=\"anomaly\",le=\"2.0\"} 0\n");
    }
  }

  private void sendTraffic(ServiceTraffic t) {
    producer.send(new ProducerRecord<>(trafficTopic, TrafficKey.of(t), trafficCodec.encode(t)));
  }

  /** Keys by edge so an edge's windows and revisions stay in order in one partition, as the stream jobs key them. */
  private static final class TrafficKey {
    static byte[] of(ServiceTraffic t) {
      return dev.flowtel.sink.elasticsearch.document.TrafficDocuments.edgeId(t).getBytes(StandardCharsets.UTF_8);
    }
  }

  private long committed(String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
          .get(30, TimeUnit.SECONDS);
      return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
          .mapToLong(e -> e.getValue().offset()).sum();
    }
  }

  private void awaitCommitted(String topic, long records) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
      Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
      partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest()));
      long end = admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
      assertThat(end).as("records in " + topic).isEqualTo(records);
    }
    await(() -> committedOrZero(topic) >= records, Duration.ofSeconds(120), "sink to commit " + records + " records of " + topic);
  }

  /** {@link #committed}, or 0 while the group's offsets cannot be read; for polling. */
  private long committedOrZero(String topic) {
    try {
      return committed(topic);
    } catch (Exception e) {
      return 0;
    }
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int count) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
        "group.id", "it-reader-" + run, "auto.offset.reset", "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    assertThat(records).hasSize(count);
    return records;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for the " + what);
      }
      Thread.sleep(200);
    }
  }
}
