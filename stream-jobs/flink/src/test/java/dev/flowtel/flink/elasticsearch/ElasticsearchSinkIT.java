package dev.flowtel.flink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.sink.elasticsearch.EsTestSupport;
import dev.flowtel.sink.elasticsearch.SampleRecords;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.document.TrafficDocuments;
import dev.flowtel.sink.elasticsearch.index.IndexNames.Kind;
import dev.flowtel.sink.elasticsearch.writer.WriterSettings;
import dev.flowtel.testing.ElasticsearchFixture;
import dev.flowtel.testing.WithElasticsearch;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given the Flowtel templates on a real Elasticsearch, when a Flink job on a MiniCluster writes
 * traffic windows and later revisions of some of them through the Sink V2 adapter, with
 * checkpoints every 200 ms, then the index holds each window once with its highest revision and
 * exact sums.
 */
@WithElasticsearch
@Timeout(240)
class ElasticsearchSinkIT {

  private static final int EDGES = 20;
  private static final int WINDOWS = 25;
  private static final int FIRST = EDGES * WINDOWS;

  private final EsTestSupport es;
  private final String url;

  ElasticsearchSinkIT(ElasticsearchFixture elasticsearch) {
    es = new EsTestSupport(elasticsearch.url());
    url = elasticsearch.url();
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
  void aFlinkJobWritesEachWindowOnceWithItsHighestRevision() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    env.enableCheckpointing(200);
    env.getConfig().enableObjectReuse();
    // Every window once, then a revision of every third window.
    long total = FIRST + (FIRST + 2) / 3;
    env.fromSource(new DataGeneratorSource<>(index -> index, total, Types.LONG), WatermarkStrategy.noWatermarks(), "windows")
        .map(ElasticsearchSinkIT::window)
        .returns(TypeInformation.of(ServiceTraffic.class))
        .sinkTo(new ElasticsearchSink<>(ElasticsearchConnection.to(url), new TrafficDocuments(es.names),
            WriterSettings.defaults().withBatch(64, 1 << 20, Duration.ofMillis(100))));
    env.execute("elasticsearch sink IT");

    long expectedBytes = 0;
    for (int i = 0; i < FIRST; i++) {
      expectedBytes += bytes(i) + (i % 3 == 0 ? 1_000 : 0);
    }
    String traffic = es.names.pattern(Kind.TRAFFIC);
    assertThat(es.count(traffic)).isEqualTo(FIRST);
    assertThat(es.sum(traffic, "source.bytes")).isEqualTo(expectedBytes);
    assertThat(es.sum(traffic, "flowtel.revision")).isEqualTo((FIRST + 2) / 3);
  }

  private static ServiceTraffic window(long index) {
    boolean revision = index >= FIRST;
    int i = revision ? (int) (index - FIRST) * 3 : (int) index;
    int edge = i / WINDOWS;
    int window = i % WINDOWS;
    return SampleRecords.traffic("client-" + edge, "service-" + (edge % 5), SampleRecords.WINDOW_START.plusSeconds(10L * window),
        revision ? 1 : 0, bytes(i) + (revision ? 1_000 : 0));
  }

  private static long bytes(int i) {
    return 100 + i * 3L;
  }
}
