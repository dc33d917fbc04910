package dev.flowtel.bench.e2e;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Path (a): every flow indexed as an ECS document, as a user of a flow exporter does it, tuned for
 * ingest: one primary shard, no replica, refresh off while loading (restored and refreshed at the
 * end), strict keyword mapping, Elasticsearch's own ids (append-only, no version lookups), and the
 * Java client's {@link BulkIngester} with large requests and several in flight. One consumer
 * thread per partition reads, decodes and builds documents.
 */
final class RawPath {

  /** How the ingester batches: documents and bytes per bulk request, requests in flight. */
  record Tuning(int bulkDocuments, long bulkBytes, int concurrentRequests) {}

  /**
   * Seconds from the start to the last flow acknowledged, and to the last one searchable; documents
   * searchable and refused; and the sustained rate: flows acknowledged per second between the
   * acknowledgements of the first and the last tenth of them, once the ingester and Elasticsearch
   * are past their start and before the last partial requests and the refresh.
   */
  record Result(double ackedSeconds, double searchableSeconds, long documents, long failed, double sustainedFlowsPerSecond) {}

  private final ElasticsearchClient client;
  private final ElasticsearchCalls calls;
  private final Tuning tuning;

  RawPath(ElasticsearchClient client, ElasticsearchCalls calls, Tuning tuning) {
    this.client = client;
    this.calls = calls;
    this.tuning = tuning;
  }

  /** Creates {@code index}; separate from {@link #run} so index creation is not timed. */
  void createIndex(String index) {
    ObjectNode body = ElasticsearchCalls.JSON.createObjectNode();
    ObjectNode settings = body.putObject("settings").putObject("index");
    settings.put("number_of_shards", 1).put("number_of_replicas", 0).put("refresh_interval", "-1");
    body.set("mappings", RawFlowDocuments.mappings());
    calls.call("PUT", "/" + index, body);
  }

  Result run(String bootstrap, String topic, int partitions, long expected, String index) throws Exception {
    AtomicLong acknowledged = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    Milestones milestones = new Milestones(expected);
    long begin = System.nanoTime();
    BulkIngester<Map<String, Object>> ingester = BulkIngester.of(b -> b.client(client)
        .maxOperations(tuning.bulkDocuments()).maxSize(tuning.bulkBytes()).maxConcurrentRequests(tuning.concurrentRequests())
        .flushInterval(1, TimeUnit.SECONDS).listener(new Listener(acknowledged, failed, milestones)));
    ExecutorService readers = Executors.newFixedThreadPool(partitions);
    List<Future<Long>> read = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      TopicPartition partition = new TopicPartition(topic, p);
      read.add(readers.submit(() -> readPartition(bootstrap, partition, ingester, index)));
    }
    long total = 0;
    for (Future<Long> f : read) {
      total += f.get();
    }
    readers.shutdown();
    ingester.close(); // sends what is buffered and waits for every request in flight
    double ackedSeconds = (System.nanoTime() - begin) / 1e9;
    if (total != expected || acknowledged.get() != expected) {
      throw new IllegalStateException("raw path: read " + total + " flows and had " + acknowledged.get() + " acknowledged, "
          + failed.get() + " failed, of " + expected);
    }
    // Searchable: refresh back on (the default) and one refresh now, which is what makes the last flow findable.
    calls.call("PUT", "/" + index + "/_settings", Map.of("index", Map.of("refresh_interval", "1s")));
    calls.refresh(index);
    long documents = calls.count(index);
    double searchableSeconds = (System.nanoTime() - begin) / 1e9;
    return new Result(ackedSeconds, searchableSeconds, documents, failed.get(), milestones.sustainedFlowsPerSecond());
  }

  private long readPartition(String bootstrap, TopicPartition partition, BulkIngester<Map<String, Object>> ingester, String index) {
    WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
    RawFlowDocuments documents = new RawFlowDocuments();
    long count = 0;
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "max.poll.records", 5_000,
        "max.partition.fetch.bytes", 8 * 1024 * 1024), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      long position = consumer.position(partition);
      while (position < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (codec.decode(r.value()) instanceof DecodeResult.Decoded<FlowEvent> decoded) {
            Map<String, Object> source = documents.source(decoded.record());
            ingester.add(operation(index, source), source);
            count++;
          }
          position = r.offset() + 1;
        }
      }
    }
    return count;
  }

  private static BulkOperation operation(String index, Map<String, Object> source) {
    return BulkOperation.of(op -> op.index(i -> i.index(index).document(source)));
  }

  /** When the acknowledgements passed a tenth and nine tenths of the flows. */
  private static final class Milestones {
    private final long tenth;
    private final long nineTenths;
    private volatile long tenthNanos;
    private volatile long nineTenthsNanos;
    private volatile long tenthCount;
    private volatile long nineTenthsCount;

    Milestones(long expected) {
      this.tenth = expected / 10;
      this.nineTenths = expected - expected / 10;
    }

    synchronized void acknowledged(long total) {
      long now = System.nanoTime();
      if (tenthNanos == 0 && total >= tenth) {
        tenthNanos = now;
        tenthCount = total;
      }
      if (nineTenthsNanos == 0 && total >= nineTenths) {
        nineTenthsNanos = now;
        nineTenthsCount = total;
      }
    }

    double sustainedFlowsPerSecond() {
      return (nineTenthsCount - tenthCount) / ((nineTenthsNanos - tenthNanos) / 1e9);
    }
  }

  /**
   * Counts acknowledged and refused documents. Nothing is retried: a refusal (a 429 included) fails
   * the run, since a rate that Elasticsearch pushes back on is not sustained.
   */
  private static final class Listener implements BulkListener<Map<String, Object>> {
    private final AtomicLong acknowledged;
    private final AtomicLong failed;
    private final Milestones milestones;

    Listener(AtomicLong acknowledged, AtomicLong failed, Milestones milestones) {
      this.acknowledged = acknowledged;
      this.failed = failed;
      this.milestones = milestones;
    }

    @Override
    public void beforeBulk(long executionId, BulkRequest request, List<Map<String, Object>> contexts) {}

    @Override
    public void afterBulk(long executionId, BulkRequest request, List<Map<String, Object>> contexts, BulkResponse response) {
      List<BulkResponseItem> items = response.items();
      long ok = 0;
      for (int i = 0; i < items.size(); i++) {
        BulkResponseItem item = items.get(i);
        if (item.error() == null) {
          ok++;
        } else if (failed.incrementAndGet() == 1) {
          System.out.println("[e2e] raw path: Elasticsearch refused a flow (" + item.status() + "): " + item.error().reason());
        }
      }
      milestones.acknowledged(acknowledged.addAndGet(ok));
    }

    @Override
    public void afterBulk(long executionId, BulkRequest request, List<Map<String, Object>> contexts, Throwable failure) {
      System.out.println("[e2e] raw path: a bulk request of " + contexts.size() + " flows failed: " + failure);
      failed.addAndGet(contexts.size());
    }
  }
}
