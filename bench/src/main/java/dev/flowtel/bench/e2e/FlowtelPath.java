package dev.flowtel.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
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

  /** Seconds from the start to the job's end (output committed) and to the last aggregate searchable; documents written. */
  record Result(double jobSeconds, double searchableSeconds, long documents, long records) {}

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
      TrafficAggregationJob job = TrafficAggregationJob.onKafka(config);
      job.configure(env);
      job.attachTo(env);
      env.execute("e2e traffic aggregation");
      double jobSeconds = (System.nanoTime() - begin) / 1e9;
      FinalRevisions expected = finalRevisions(bootstrap, topics.traffic());
      String pattern = names.pattern(IndexNames.Kind.TRAFFIC);
      while (!expected.searchable(calls.call("POST", "/" + pattern + "/_search?request_cache=false",
          FinalRevisions.QUERY))) {
        Thread.sleep(100);
      }
      double searchableSeconds = (System.nanoTime() - begin) / 1e9;
      return new Result(jobSeconds, searchableSeconds, expected.documents(), expected.records());
    } finally {
      sink.stop();
      sinkThread.join(10_000);
      sink.close();
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
