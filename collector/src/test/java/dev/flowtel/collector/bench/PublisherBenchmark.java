package dev.flowtel.collector.bench;

import dev.flowtel.collector.metrics.CollectorMetrics;
import dev.flowtel.collector.publish.FlowPublisher;
import dev.flowtel.collector.publish.ProducerSettings;
import dev.flowtel.collector.publish.PublisherSettings;
import dev.flowtel.collector.spool.DiskSpool;
import dev.flowtel.collector.spool.SpoolSettings;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.LabeledFlow;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.SharedServers;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import dev.flowtel.wire.kafka.KafkaClientProperties;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Utils;

/**
 * Not a test: the figures behind the publisher's compression choice and its throughput to a local
 * broker (docs/benchmarks.md, "Collector publisher"). Run with
 * {@code ./collector/bench-publisher.sh} or the java command in docs/benchmarks.md.
 *
 * <ol>
 *   <li>Compression: simulator FlowEvents in single-object encoding, keyed by edge, split over two
 *       partitions as the producer's partitioner does, built into Kafka record batches exactly as
 *       the producer builds them (MemoryRecordsBuilder) for zstd, lz4 and none, at 200 and 2,000
 *       records per batch: compressed/uncompressed bytes and CPU per record to compress and to
 *       read back (what every consumer pays).
 *   <li>Throughput: the publisher (hand-off queue, encoding, producer, acks=all) to the local
 *       broker, for zstd and lz4: flows/s and client CPU (publisher, caller and producer I/O
 *       threads) per flow.
 * </ol>
 */
public final class PublisherBenchmark {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private PublisherBenchmark() {}

  public static void main(String[] args) throws Exception {
    int flowsForThroughput = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    List<LabeledFlow> flows = ClusterSimulator.of(SimulatorSettings.defaults()).generate(200_000);
    WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
    List<byte[][]> encoded = new ArrayList<>(flows.size());
    long valueBytes = 0;
    for (LabeledFlow f : flows) {
      byte[] value = codec.encode(f.flow());
      encoded.add(new byte[][] {f.edgeKey().getBytes(StandardCharsets.UTF_8), value});
      valueBytes += value.length;
    }
    System.out.printf("%d simulator flows, %.1f B per encoded FlowEvent on average%n", flows.size(), (double) valueBytes / flows.size());
    for (int perBatch : new int[] {200, 2_000}) {
      for (String codecName : new String[] {"none", "lz4", "zstd"}) {
        compression(encoded, codecName, perBatch);
      }
    }
    throughput(flowsForThroughput);
    spoolAndReplay(encoded);
    System.exit(0);
  }

  private static void compression(List<byte[][]> records, String name, int perBatch) {
    Compression compression = Compression.of(name).build();
    // Partition as the producer does (murmur2 of the key), so a batch holds what one partition gets.
    List<List<byte[][]>> byPartition = List.of(new ArrayList<>(), new ArrayList<>());
    for (byte[][] r : records) {
      byPartition.get(Utils.toPositive(Utils.murmur2(r[0])) % 2).add(r);
    }
    long[] compressCpu = new long[5];
    long[] readCpu = new long[5];
    long raw = 0;
    long compressed = 0;
    for (int round = 0; round < compressCpu.length; round++) {
      List<MemoryRecords> built = new ArrayList<>();
      raw = 0;
      compressed = 0;
      long begin = THREADS.getCurrentThreadCpuTime();
      for (List<byte[][]> partition : byPartition) {
        for (int from = 0; from < partition.size(); from += perBatch) {
          MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1 << 20), compression, TimestampType.CREATE_TIME, 0L);
          for (byte[][] r : partition.subList(from, Math.min(partition.size(), from + perBatch))) {
            builder.append(0L, r[0], r[1]);
            raw += r[0].length + r[1].length;
          }
          MemoryRecords batch = builder.build();
          compressed += batch.sizeInBytes();
          built.add(batch);
        }
      }
      compressCpu[round] = THREADS.getCurrentThreadCpuTime() - begin;
      begin = THREADS.getCurrentThreadCpuTime();
      long check = 0;
      for (MemoryRecords batch : built) {
        for (RecordBatch b : batch.batches()) {
          for (Record r : b) {
            check += r.valueSize();
          }
        }
      }
      readCpu[round] = THREADS.getCurrentThreadCpuTime() - begin;
      if (check == 0) {
        throw new IllegalStateException("nothing read back");
      }
    }
    System.out.printf("compression %-4s %5d records/batch: %,d -> %,d bytes (ratio %.3f), compress %.0f ns/record, read back %.0f ns/record%n",
        name, perBatch, raw, compressed, (double) compressed / raw, median(compressCpu) / records.size(), median(readCpu) / records.size());
  }

  private static void throughput(int count) throws Exception {
    KafkaFixture kafka = SharedServers.kafka();
    List<LabeledFlow> flows = ClusterSimulator.of(SimulatorSettings.defaults().withSeed(3)).generate(count);
    for (String compression : new String[] {"lz4", "zstd", "lz4", "zstd"}) {
      String topic = "bench.collector." + compression + "." + System.nanoTime();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        Thread.sleep(2_000); // leaders elected before the idempotent producer starts
      }
      Path spoolDir = Files.createTempDirectory(Path.of("target"), "bench-spool-");
      CollectorMetrics metrics = new CollectorMetrics();
      Map<String, Object> producer = ProducerSettings.forPublisher(KafkaClientProperties.load(kafka.bootstrapServers(), null), compression);
      FlowPublisher publisher = new FlowPublisher(PublisherSettings.defaults().withTopics(topic, topic + ".state"), producer,
          DiskSpool.open(SpoolSettings.defaults(spoolDir)), metrics).start();
      long cpuBefore = clientCpu();
      long begin = System.nanoTime();
      for (LabeledFlow f : flows) {
        publisher.flow(f.flow(), f.edgeKey());
      }
      while (metrics.publishedCount() < count) {
        Thread.sleep(5);
      }
      long wall = System.nanoTime() - begin;
      long cpu = clientCpu() - cpuBefore;
      publisher.close();
      System.out.printf("publish %-4s %,d flows: %,.0f flows/s, client CPU %.2f us/flow (%.0f%% of one core), spooled %d, lost %d%n",
          compression, count, count / (wall / 1e9), cpu / 1e3 / count, 100.0 * cpu / wall, metrics.spooledCount(),
          metrics.lostCount(CollectorMetrics.LOST_HANDOFF));
    }
  }

  /** Spool append and read rates on this disk, and replay of a full spool to the broker after an outage. */
  private static void spoolAndReplay(List<byte[][]> encoded) throws Exception {
    KafkaFixture kafka = SharedServers.kafka();
    String topic = "bench.collector.replay." + System.nanoTime();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
      Thread.sleep(2_000);
    }
    Path spoolDir = Files.createTempDirectory(Path.of("target"), "bench-replay-");
    int rounds = 5; // 5 x 200k = 1 M records, about 450 MB
    long begin = System.nanoTime();
    long bytes = 0;
    try (DiskSpool spool = DiskSpool.open(SpoolSettings.defaults(spoolDir).withMaxBytes(4L << 30))) {
      for (int round = 0; round < rounds; round++) {
        for (int from = 0; from < encoded.size(); from += 1000) {
          List<dev.flowtel.collector.spool.SpoolRecord> chunk = new ArrayList<>(1000);
          for (byte[][] r : encoded.subList(from, Math.min(encoded.size(), from + 1000))) {
            chunk.add(new dev.flowtel.collector.spool.SpoolRecord(topic, r[0], r[1]));
            bytes += r[0].length + r[1].length;
          }
          spool.appendAll(chunk);
        }
      }
      spool.sync();
    }
    long wall = System.nanoTime() - begin;
    int total = rounds * encoded.size();
    System.out.printf("spool append (fsync every 1 s): %,d records, %,.0f records/s, %.0f MB/s%n", total, total / (wall / 1e9), bytes / 1e6 / (wall / 1e9));

    CollectorMetrics metrics = new CollectorMetrics();
    Map<String, Object> producer = ProducerSettings.forPublisher(KafkaClientProperties.load(kafka.bootstrapServers(), null), "zstd");
    DiskSpool spool = DiskSpool.open(SpoolSettings.defaults(spoolDir).withMaxBytes(4L << 30));
    begin = System.nanoTime();
    FlowPublisher publisher = new FlowPublisher(PublisherSettings.defaults().withTopics(topic, topic + ".state"), producer, spool, metrics).start();
    while (!spool.isEmpty()) {
      Thread.sleep(5);
    }
    wall = System.nanoTime() - begin;
    publisher.close();
    System.out.printf("replay of a full spool to the broker (zstd, rounds of 5,000): %,d records, %,.0f records/s%n",
        metrics.replayedCount(), metrics.replayedCount() / (wall / 1e9));
  }

  /** CPU of the caller (main), the publisher thread and the producer's I/O threads. */
  private static long clientCpu() {
    long total = 0;
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      String name = info.getThreadName();
      if (name.equals("main") || name.equals("flowtel-publisher") || name.startsWith("kafka-producer-network-thread")) {
        long cpu = THREADS.getThreadCpuTime(info.getThreadId());
        total += Math.max(cpu, 0);
      }
    }
    return total;
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
