package dev.flowtel.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowtel.bench.FlowClock;
import dev.flowtel.flink.traffic.TrafficAggregationConfig;
import dev.flowtel.flink.traffic.TrafficAggregationJob;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.document.TrafficDocuments;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.sink.elasticsearch.index.IndexSettings;
import dev.flowtel.sink.elasticsearch.index.IndexSetup;
import dev.flowtel.sink.elasticsearch.service.SinkService;
import dev.flowtel.sink.elasticsearch.service.SinkServiceSettings;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.kafka.WireDeserializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.elasticsearch.client.RestClient;

/**
 * Path (b): the flows through the Flink traffic job as deployed (Kafka source, exactly-once
 * transactional output, 10 s windows and the 1 min rollup, checkpoints to files) and the
 * standalone Elasticsearch sink with its index templates (one shard, no replica on the one node,
 * the deployed 5 s refresh). The job runs bounded on an embedded MiniCluster, so it ends when it
 * has read the topic and committed its last window; the path ends when every final revision is
 * searchable.
 */
final class FlowtelPath {

  /**
   * Seconds from the job's submission: to its first flow read ({@code startSeconds}), to its end with
   * the output committed, to the sink's acknowledgement of every traffic record it committed, and
   * to the last aggregate searchable; how long the source tasks read (first to last flow), the
   * sink's own busy time (first to last record acknowledged), the documents the records became
   * and the records the job committed.
   */
  record Result(double startSeconds, double readingSeconds, double jobSeconds, double sinkFirstSeconds, double sinkAckedSeconds,
      double searchableSeconds, long documents, long records) {

    /** Traffic records per second the sink acknowledged while it had them. */
    double sinkRecordsPerSecond() {
      return records / (sinkAckedSeconds - sinkFirstSeconds);
    }
  }

  /** The topics of this path: the flows it reads, and its own output and dead letters. */
  record Topics(String flows, String traffic, String anomalies, String deadLetters) {}

  private final ElasticsearchConnection elasticsearch;
  private final ElasticsearchCalls calls;
  private final IndexNames names;

  FlowtelPath(ElasticsearchConnection elasticsearch, ElasticsearchCalls calls, IndexNames names) {
    this.elasticsearch = elasticsearch;
    this.calls = calls;
    this.names = names;
  }

  /** Installs the index templates as {@code ./flowtel es setup} does on one node; not timed. */
  void setUp(RestClient rest) throws Exception {
    new IndexSetup(rest, IndexSettings.defaults(names).withReplicas(0)).install();
  }

  Result run(String bootstrap, Topics topics, int parallelism, Path checkpoints) throws Exception {
    SinkService sink = new SinkService(SinkServiceSettings.defaults(bootstrap, elasticsearch).withGroupId("e2e-sink-" + UUID.randomUUID())
        .withNames(names).withTopics(topics.traffic(), topics.anomalies(), topics.flows(), topics.deadLetters()));
    long begin = System.nanoTime();
    SinkProgress sinkProgress = SinkProgress.watch(sink);
    Thread sinkThread = Thread.ofPlatform().name("e2e-sink").daemon().start(() -> {
      try {
        sink.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    try {
      TrafficAggregationConfig config = TrafficAggregationConfig.parse("--bootstrap-servers", bootstrap,
          "--flows-topic", topics.flows(), "--traffic-topic", topics.traffic(), "--dlq-topic", topics.deadLetters(),
          "--group-id", "e2e-traffic-" + UUID.randomUUID(), "--starting-offsets", "earliest", "--bounded",
          "--parallelism", Integer.toString(parallelism), "--checkpoint-dir", checkpoints.toUri().toString());
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
          Configuration.fromMap(config.flinkConfiguration()));
      TrafficAggregationJob job = TrafficAggregationJob.onKafka(config, FlowClock.tap());
      job.configure(env);
      job.attachTo(env);
      env.execute("e2e traffic aggregation");
      double jobSeconds = (System.nanoTime() - begin) / 1e9;
      double startSeconds = (FlowClock.firstNanos() - begin) / 1e9;
      FinalRevisions expected = finalRevisions(bootstrap, topics.traffic());
      // Every committed record is acknowledged once (written, or superseded by a later revision already there).
      while (sinkProgress.last() < expected.records()) {
        Thread.sleep(20);
      }
      double sinkAckedSeconds = (System.nanoTime() - begin) / 1e9;
      String pattern = names.pattern(IndexNames.Kind.TRAFFIC);
      while (!expected.searchable(calls.call("POST", "/" + pattern + "/_search?request_cache=false",
          FinalRevisions.QUERY))) {
        Thread.sleep(100);
      }
      double searchableSeconds = (System.nanoTime() - begin) / 1e9;
      return new Result(startSeconds, FlowClock.readingSeconds(), jobSeconds, (sinkProgress.firstNanos() - begin) / 1e9,
          sinkAckedSeconds, searchableSeconds, expected.documents(), expected.records());
    } finally {
      sinkProgress.close();
      sink.stop();
      sinkThread.join(10_000);
      sink.close();
    }
  }

  /** Watches the sink's acknowledged count from a thread of its own, noting when the first acknowledgement came. */
  private static final class SinkProgress implements AutoCloseable {
    private final SinkService sink;
    private final Thread watcher;
    private volatile long firstNanos = Long.MAX_VALUE;
    private volatile long last;

    private SinkProgress(SinkService sink) {
      this.sink = sink;
      this.watcher = Thread.ofPlatform().name("e2e-sink-progress").daemon().unstarted(this::watch);
    }

    static SinkProgress watch(SinkService sink) {
      SinkProgress progress = new SinkProgress(sink);
      progress.watcher.start();
      return progress;
    }

    private void watch() {
      while (!Thread.currentThread().isInterrupted()) {
        long acknowledged = sink.writerStats().acknowledged();
        if (acknowledged > 0 && firstNanos == Long.MAX_VALUE) {
          firstNanos = System.nanoTime();
        }
        last = acknowledged;
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    long firstNanos() {
      return firstNanos;
    }

    long last() {
      return last;
    }

    @Override
    public void close() {
      watcher.interrupt();
    }
  }

  /** What the job committed to the traffic topic, by Elasticsearch document: how many, and the sum of their last revisions. */
  record FinalRevisions(long documents, long revisionSum, long records) {

    static final Map<String, Object> QUERY = Map.of("size", 0, "track_total_hits", true,
        "aggs", Map.of("revisions", Map.of("sum", Map.of("field", "flowtel.revision"))));

    /** True when a search (with {@link #QUERY}) finds every document at its last revision. */
    boolean searchable(JsonNode response) {
      return response.path("hits").path("total").path("value").asLong() == documents
          && response.path("aggregations").path("revisions").path("value").asLong() == revisionSum;
    }
  }

  private static FinalRevisions finalRevisions(String bootstrap, String topic) {
    Map<String, Integer> last = new HashMap<>();
    long records = 0;
    try (KafkaConsumer<String, DecodeResult<ServiceTraffic>> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
        "isolation.level", "read_committed", "max.poll.records", 5_000), new StringDeserializer(),
        new WireDeserializer<>(RecordType.SERVICE_TRAFFIC))) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, DecodeResult<ServiceTraffic>> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() instanceof DecodeResult.Decoded<ServiceTraffic> decoded) {
            records++;
            last.merge(TrafficDocuments.documentId(decoded.record()), decoded.record().getRevision(), Math::max);
          }
        }
      }
    }
    return new FinalRevisions(last.size(), last.values().stream().mapToLong(Integer::longValue).sum(), records);
  }
}
