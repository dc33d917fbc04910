package dev.flowtel.sink.elasticsearch.writer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.sink.elasticsearch.EsTestSupport;
import dev.flowtel.sink.elasticsearch.SampleRecords;
import dev.flowtel.sink.elasticsearch.document.AnomalyDocuments;
import dev.flowtel.sink.elasticsearch.document.IndexDocument;
import dev.flowtel.sink.elasticsearch.document.TrafficDocuments;
import dev.flowtel.sink.elasticsearch.index.IndexNames.Kind;
import dev.flowtel.testing.ElasticsearchFixture;
import dev.flowtel.testing.WithElasticsearch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given the Flowtel templates on a real Elasticsearch, when traffic windows are written, replayed,
 * revised and then replayed with stale revisions, the index holds each window once with its
 * highest revision; and a document the mapping refuses reaches the rejected-document handler with
 * Elasticsearch's reason.
 */
@WithElasticsearch
@Timeout(240)
class BulkDocumentWriterIT {

  private static final int EDGES = 50;
  private static final int WINDOWS = 20;

  private final EsTestSupport es;

  BulkDocumentWriterIT(ElasticsearchFixture elasticsearch) {
    es = new EsTestSupport(elasticsearch.url());
  }

  @BeforeEach
  void setup() {
    es.setup();
  }

  @AfterEach
  void close() {
    es.close();
  }

  @Test
  void replaysAndStaleRevisionsLeaveExactlyOneDocumentPerWindowWithItsHighestRevision() throws Exception {
    TrafficDocuments builder = new TrafficDocuments(es.names);
    List<ServiceTraffic> firstRevisions = new ArrayList<>();
    List<ServiceTraffic> secondRevisions = new ArrayList<>();
    long expectedBytes = 0;
    for (int edge = 0; edge < EDGES; edge++) {
      for (int window = 0; window < WINDOWS; window++) {
        long bytes = 100 + edge * 7L + window;
        ServiceTraffic first = SampleRecords.traffic("client-" + edge, "service-" + (edge % 5),
            SampleRecords.WINDOW_START.plusSeconds(10L * window), 0, bytes);
        firstRevisions.add(first);
        if ((edge * WINDOWS + window) % 3 == 0) {
          secondRevisions.add(SampleRecords.traffic("client-" + edge, "service-" + (edge % 5), first.getWindowStart(), 1, bytes + 1000));
          expectedBytes += bytes + 1000;
        } else {
          expectedBytes += bytes;
        }
      }
    }

    List<Rejection> rejections = new ArrayList<>();
    WriterSettings small = WriterSettings.defaults().withBatch(128, 1 << 20, java.time.Duration.ofMillis(200));
    try (BulkDocumentWriter<Void> writer = new BulkDocumentWriter<>(es.client(), small, (d, o, r) -> rejections.add(r))) {
      write(writer, builder, firstRevisions);
      write(writer, builder, firstRevisions);   // a replay
      write(writer, builder, secondRevisions);  // late data revised some windows
      write(writer, builder, firstRevisions);   // a replay from before the revisions
      writer.flush();

      WriterStats stats = writer.stats();
      assertThat(stats.written()).isEqualTo(EDGES * WINDOWS + secondRevisions.size());
      assertThat(stats.superseded()).isEqualTo(2L * EDGES * WINDOWS);
      assertThat(stats.rejected()).isZero();
    }
    assertThat(rejections).isEmpty();
    String traffic = es.names.pattern(Kind.TRAFFIC);
    assertThat(es.count(traffic)).isEqualTo(EDGES * WINDOWS);
    assertThat(es.sum(traffic, "source.bytes")).isEqualTo(expectedBytes);
    assertThat(es.sum(traffic, "network.bytes")).isEqualTo(4 * expectedBytes);
    assertThat(es.sum(traffic, "flowtel.revision")).isEqualTo(secondRevisions.size());
  }

  /**
   * Given a scanner's two windows of failed attempts (2,000 ports, then 256 addresses on 1 port)
   * beside one real edge, written twice, the index holds three documents and the attempt counts
   * land in the mapped fields, where aggregations sum them.
   */
  @Test
  void theFailedAttemptsOfAScanAreOneDocumentPerWindowWithTheirCounts() throws Exception {
    TrafficDocuments builder = new TrafficDocuments(es.names);
    List<ServiceTraffic> records = List.of(
        SampleRecords.failedAttempts(SampleRecords.WINDOW_START, 2_000, 1),
        SampleRecords.failedAttempts(SampleRecords.WINDOW_START.plusSeconds(10), 1, 256),
        SampleRecords.traffic("frontend", "checkout", SampleRecords.WINDOW_START, 0, 500));
    try (BulkDocumentWriter<Void> writer = new BulkDocumentWriter<>(es.client(), WriterSettings.defaults(), (d, o, r) -> { })) {
      write(writer, builder, records);
      write(writer, builder, records);   // a replay
      writer.flush();
      assertThat(writer.stats().rejected()).isZero();
    }
    String traffic = es.names.pattern(Kind.TRAFFIC);
    assertThat(es.count(traffic)).isEqualTo(3);
    assertThat(es.sum(traffic, "flowtel.attempts.failed")).isEqualTo(2_000 + 256);
    assertThat(es.sum(traffic, "flowtel.attempts.distinct_destination_ports")).isEqualTo(2_000 + 1);
    assertThat(es.sum(traffic, "flowtel.attempts.distinct_destination_addresses")).isEqualTo(1 + 256);
    assertThat(es.sum(traffic, "destination.port")).isEqualTo(8080);
  }

  /**
   * Given revision 1 of a window stored before its revision 0 arrives (two bulks in flight can
   * land in either order), the listener hears of revision 0 as well: the window is searchable,
   * and the sink's first-revision latency counts it once instead of losing it.
   */
  @Test
  void aFirstRevisionThatArrivesAfterItsLaterRevisionIsHeardOfAsSearchable() throws Exception {
    TrafficDocuments builder = new TrafficDocuments(es.names);
    ServiceTraffic first = SampleRecords.traffic("late-client", "checkout", SampleRecords.WINDOW_START, 0, 100);
    ServiceTraffic second = SampleRecords.traffic("late-client", "checkout", SampleRecords.WINDOW_START, 1, 150);
    List<String> heard = Collections.synchronizedList(new ArrayList<>());
    try (BulkDocumentWriter<String> writer = new BulkDocumentWriter<>(es.client(), WriterSettings.defaults(), (d, o, r) -> { },
        (document, origin) -> heard.add(origin))) {
      writer.add(builder.build(second), "revision 1");
      writer.flush();
      writer.add(builder.build(first), "revision 0");
      writer.flush();
      assertThat(writer.stats()).isEqualTo(new WriterStats(1, 1, 0, 0));
    }
    assertThat(heard).containsExactly("revision 1", "revision 0");
    assertThat(es.sum(es.names.pattern(Kind.TRAFFIC), "source.bytes")).isEqualTo(150);
  }

  @Test
  void aDocumentTheMappingRefusesGoesToTheHandlerWithElasticsearchsReason() throws Exception {
    List<Rejection> rejections = new ArrayList<>();
    List<IndexDocument> rejectedDocuments = new ArrayList<>();
    AnomalyDocuments builder = new AnomalyDocuments(es.names);
    try (BulkDocumentWriter<String> writer = new BulkDocumentWriter<>(es.client(), WriterSettings.defaults(), (d, origin, r) -> {
      rejectedDocuments.add(d);
      rejections.add(r);
    })) {
      writer.add(builder.build(SampleRecords.anomaly("good", 0, "10.244.1.5")), "good");
      writer.add(builder.build(SampleRecords.anomaly("bad", 0, "not-an-address")), "bad");
      writer.flush();
      assertThat(writer.stats()).isEqualTo(new WriterStats(1, 0, 1, 0));
    }
    assertThat(rejectedDocuments).extracting(IndexDocument::id).containsExactly("bad");
    Rejection rejection = rejections.get(0);
    assertThat(rejection.reason()).isEqualTo(Rejection.MAPPING_REJECTED);
    assertThat(rejection.status()).isEqualTo(400);
    assertThat(rejection.errorType()).isEqualTo("document_parsing_exception");
    assertThat(rejection.detail()).contains("flowtel.evidence.sample_flows.source_ip").contains("not-an-address");
    assertThat(es.count(es.names.pattern(Kind.ANOMALIES))).isEqualTo(1);
  }

  private static void write(BulkDocumentWriter<Void> writer, TrafficDocuments builder, List<ServiceTraffic> records) throws InterruptedException {
    for (ServiceTraffic record : records) {
      writer.add(builder.build(record), null);
    }
  }
}
