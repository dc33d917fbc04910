package dev.flowtel.bench;

import dev.flowtel.bench.input.TopicLoad;
import dev.flowtel.core.config.Durations;
import dev.flowtel.core.config.RollupOption;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.intake.FlowIntake;
import dev.flowtel.core.intake.FlowIntakeResult;
import dev.flowtel.flink.traffic.TrafficAggregationConfig;
import dev.flowtel.flink.traffic.TrafficAggregationJob;
import dev.flowtel.localstack.FlinkJobClient;
import dev.flowtel.localstack.KafkaBroker;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.flow.SimulationSink;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.FlowEventSkimmer;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./flowtel bench traffic}: loads simulator flows into a real local broker, then measures,
 * side by side in one run, a decode-only pass over the topic (the ceiling: what just reading and
 * decoding costs) and the Flink traffic aggregation job from earliest to the end: on a MiniCluster in
 * this JVM or, with {@code --flink-cluster}, the shaded job jar on local session clusters of one or
 * more TaskManagers.
 */
@Command(name = "traffic", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = "Flows/s of the Flink traffic aggregation job (and, with --engines, the Kafka Streams app) against a "
        + "decode-only pass over the same topic.")
public final class TrafficBench implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--flows", defaultValue = "10000000", description = "FlowEvents to load and process.")
  long flows;

  @Option(names = "--partitions", defaultValue = "2", description = "Partitions of the flows topic (and job parallelism).")
  int partitions;

  @Option(names = "--namespaces", defaultValue = "84", description = "Simulated application namespaces (6 services each).")
  int namespaces;

  @Option(names = "--pods-per-workload", defaultValue = "10", description = "Replicas per Deployment/StatefulSet.")
  int podsPerWorkload;

  @Option(names = "--seed", defaultValue = "7", description = "Simulator seed.")
  long seed;

  @Option(names = "--dir", defaultValue = "target/bench", description = "Folder for the broker's data.")
  Path dir;

  @Mixin
  RollupOption rollupOption = new RollupOption();

  /** --rollup as the engines' options take it. */
  private String rollup() {
    return Durations.format(rollupOption.rollup());
  }

  @Option(names = "--engines", split = ",", defaultValue = "flink",
      description = "Engines to measure on the same input, side by side: flink, kafka-streams, or both (flink,kafka-streams).")
  List<String> engines;

  @Option(names = "--extra-edges", defaultValue = "3",
      description = "Simulator: API-to-API calls across namespaces on top of its fixed pattern, each a service edge of its own "
          + "(e.g. 100000, with --namespaces 300, for about 100k edges of state).")
  int extraEdges;

  @Option(names = "--flink-cluster",
      description = "Run the Flink job jar on a local Flink session cluster (a JobManager and --task-managers TaskManagers, "
          + "each its own JVM) instead of the MiniCluster: same input, same measurement, plus its checkpoints' size and time.")
  boolean flinkCluster;

  @Option(names = "--task-managers", split = ",", defaultValue = "1",
      description = "With --flink-cluster: TaskManagers of the session cluster; a list (1,2) runs one fresh cluster after "
          + "another on the same input. Each gets just enough slots for parallelism --partitions.")
  List<Integer> taskManagers;

  @Option(names = "--task-manager-memory", defaultValue = "2048m",
      description = "With --flink-cluster: taskmanager.memory.process.size of each TaskManager (the MiniCluster shares this JVM's heap).")
  String taskManagerMemory;

  @Option(names = "--flink-job-jar", defaultValue = "${env:FLOWTEL_ROOT:-.}/stream-jobs/flink/target/flowtel-flink-job.jar",
      description = "With --flink-cluster: the shaded job jar to submit.")
  Path flinkJobJar;

  @Option(names = "--job-runs", defaultValue = "5",
      description = "Runs of each engine's job on the same input, one after the other in this JVM; the fastest counts, as "
          + "the ceilings' fastest passes do (the first runs compile the job's code while they read).")
  int jobRuns;

  @Option(names = "--classifier-pairs", defaultValue = "5",
      description = "Pairs of passes that time the skim plus each classifier side by side (0 leaves them out).")
  int classifierPairs;

  @Option(names = "--streams-commit-interval", defaultValue = "5s",
      description = "Commit interval of the Kafka Streams app (its default; exactly_once_v2 commits a transaction each).")
  String streamsCommitInterval;

  @Override
  public Integer call() throws Exception {
    if (jobRuns < 1 || classifierPairs < 0) {
      throw new ParameterException(spec.commandLine(), "--job-runs must be at least 1 and --classifier-pairs at least 0");
    }
    Path data = dir.toAbsolutePath().resolve("kafka-" + System.currentTimeMillis());
    try (KafkaBroker broker = KafkaBroker.start(KafkaBroker.Settings.in(data).withHeap("1g"))) {
      String bootstrap = broker.bootstrapServers();
      String topic = "bench.flows";
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1),
            new NewTopic("bench.traffic", partitions, (short) 1), new NewTopic("bench.dlq", 1, (short) 1)))
            .all().get(30, TimeUnit.SECONDS);
      }
      TopicLoad load = load(bootstrap, topic);
      System.out.printf("loaded %,d flows (%,d distinct edge keys, %,d pods, %,d services) in %.1f s: %,.0f flows/s%n",
          load.flows(), load.flowKeys(), load.pods(), load.services(), load.seconds(), load.flows() / load.seconds());

      // Each pass runs warmer than the one before it (the JIT, the broker's page cache), so every pass runs twice,
      // alternately, and the faster of each counts: a ceiling timed colder than the job would flatter the job.
      double decodeSeconds = readingPass(bootstrap, topic, Pass.DECODE);
      double skimSeconds = readingPass(bootstrap, topic, Pass.SKIM);
      decodeSeconds = Math.min(decodeSeconds, readingPass(bootstrap, topic, Pass.DECODE));
      skimSeconds = Math.min(skimSeconds, readingPass(bootstrap, topic, Pass.SKIM));
      System.out.printf("decode-only ceiling: %,.0f flows/s (%.1f s, %d consumer threads, faster of two passes)%n",
          load.flows() / decodeSeconds, decodeSeconds, partitions);
      System.out.printf("skim-only ceiling (the Flink job's decoding): %,.0f flows/s (%.1f s, %d consumer threads, faster of two passes)%n",
          load.flows() / skimSeconds, skimSeconds, partitions);
      // One pass swings by ±15% from the next on this kind of machine, more than the difference measured here: the
      // two classifiers run in classifierPairs pairs, each pair in the other order, and the median of the pairs counts.
      List<Double> byValueSeconds = new ArrayList<>();
      List<Double> intakeSeconds = new ArrayList<>();
      List<String> pairRatios = new ArrayList<>();
      for (int pair = 0; pair < classifierPairs; pair++) {
        boolean byValueFirst = pair % 2 == 0;
        double first = readingPass(bootstrap, topic, byValueFirst ? Pass.SKIM_CLASSIFY_BY_VALUE : Pass.INTAKE);
        double second = readingPass(bootstrap, topic, byValueFirst ? Pass.INTAKE : Pass.SKIM_CLASSIFY_BY_VALUE);
        byValueSeconds.add(byValueFirst ? first : second);
        intakeSeconds.add(byValueFirst ? second : first);
        pairRatios.add(String.format(java.util.Locale.ROOT, "%.2f", intakeSeconds.getLast() / byValueSeconds.getLast()));
      }
      if (classifierPairs > 0) {
        System.out.printf("skim and classify, medians of %d pairs run in alternate order: by value (FlowClassifier) %,.0f flows/s, "
            + "by endpoint identity (FlowIntake, the jobs') %,.0f flows/s; identity's time / by value's, pair by pair: %s%n",
            classifierPairs, load.flows() / Median.of(byValueSeconds), load.flows() / Median.of(intakeSeconds),
            String.join(", ", pairRatios));
      }

      double jobSeconds = Double.NaN;
      if (engines.contains("flink") && flinkCluster) {
        jobSeconds = runOnSessionClusters(bootstrap, topic, load, decodeSeconds);
      } else if (engines.contains("flink")) {
        // The job's own source alone (Kafka connector, decoding and classification, watermarks) into a sink that
        // drops everything: the floor of any Flink job on this input, timed before the job and once more after it
        // (the warmest), the faster counting.
        double sourceSeconds = runSourceOnly(bootstrap, topic);
        // The job, too, runs more than once and its fastest run counts, as the ceilings' fastest passes do. Its code
        // (windows, shuffle, sink, the Kafka producer) is far more than a reading pass's, and on two cores the C2
        // compiler took a quarter of the machine through the first two runs' reading (JFR, 2026-12-06): a run that
        // compiles while it reads measures the JIT's warm-up, not the job a cluster runs for days.
        jobSeconds = Double.POSITIVE_INFINITY;
        double reading = Double.POSITIVE_INFINITY;
        for (int run = 1; run <= jobRuns; run++) {
          double seconds = runJob(bootstrap, topic);
          System.out.printf("Flink traffic aggregation, run %d of %d: %,.0f flows/s (%.1f s, parallelism %d, exactly-once, "
              + "rollup %s); reading, first to last flow: %,.0f flows/s (%.1f s; the rest is start-up and the final checkpoint "
              + "that commits the output)%n", run, jobRuns, load.flows() / seconds, seconds, partitions, rollup(),
              load.flows() / readingSeconds, readingSeconds);
          jobSeconds = Math.min(jobSeconds, seconds);
          reading = Math.min(reading, readingSeconds);
        }
        readingSeconds = reading;
        System.out.printf("Flink traffic aggregation: %,.0f flows/s (%.1f s, the fastest of %d runs)%n",
            load.flows() / jobSeconds, jobSeconds, jobRuns);
        System.out.printf("  of which reading, first to last flow: %,.0f flows/s (%.1f s, the fastest of %d runs)%n",
            load.flows() / readingSeconds, readingSeconds, jobRuns);
        // The JVM is warmest after the job: the skim is timed once more there and the ceiling is its fastest pass.
        double skimAfterJob = readingPass(bootstrap, topic, Pass.SKIM);
        System.out.printf("skim-only pass after the job: %,.0f flows/s (%.1f s)%n", load.flows() / skimAfterJob, skimAfterJob);
        skimSeconds = Math.min(skimSeconds, skimAfterJob);
        sourceSeconds = Math.min(sourceSeconds, runSourceOnly(bootstrap, topic));
        System.out.printf("Flink source alone (the job's source to a discarding sink, reading, faster of a run before the job "
            + "and one after it): %,.0f flows/s (%.1f s); source alone / skim-only ceiling %.2f, job reading / source alone %.2f%n",
            load.flows() / sourceSeconds, sourceSeconds, skimSeconds / sourceSeconds, sourceSeconds / readingSeconds);
        System.out.printf("ratio job / ceiling: %.2f (job / skim-only ceiling: %.2f whole run, %.2f reading; skim-only ceiling "
            + "the fastest of its three passes, %,.0f flows/s)%n", decodeSeconds / jobSeconds, skimSeconds / jobSeconds,
            skimSeconds / readingSeconds, load.flows() / skimSeconds);
      }
      if (engines.contains("kafka-streams")) {
        // As warm as the Flink job: the fastest of as many runs, each a fresh application on a fresh state directory.
        double streamsSeconds = Double.POSITIVE_INFINITY;
        for (int run = 1; run <= jobRuns; run++) {
          double seconds = runStreams(bootstrap, topic, dir.toAbsolutePath().resolve("streams-" + System.currentTimeMillis()));
          System.out.printf("Kafka Streams traffic aggregation, run %d of %d: %,.0f flows/s (%.1f s)%n", run, jobRuns,
              load.flows() / seconds, seconds);
          streamsSeconds = Math.min(streamsSeconds, seconds);
        }
        System.out.printf("Kafka Streams traffic aggregation: %,.0f flows/s (%.1f s, the fastest of %d runs, %d stream threads, "
            + "exactly_once_v2, commit interval %s, RocksDB, rollup %s)%n", load.flows() / streamsSeconds, streamsSeconds, jobRuns,
            partitions, streamsCommitInterval, rollup());
        System.out.printf("ratio Kafka Streams / ceiling: %.2f%n", decodeSeconds / streamsSeconds);
        if (!Double.isNaN(jobSeconds)) {
          System.out.printf("ratio Kafka Streams / Flink: %.2f%n", jobSeconds / streamsSeconds);
        }
      }
    }
    return 0;
  }

  /**
   * Key skew of the input: the busiest edge key's share of the flows, and the busiest partition's
   * (the producer's default partitioner hashes the edge key, as the collector's does), against an
   * even 1 / partitions.
   */
  private void printSkew(Map<String, long[]> edges, long flows) {
    long busiestEdge = 0;
    long[] perPartition = new long[partitions];
    for (Map.Entry<String, long[]> edge : edges.entrySet()) {
      busiestEdge = Math.max(busiestEdge, edge.getValue()[0]);
      byte[] key = edge.getKey().getBytes(StandardCharsets.UTF_8);
      perPartition[org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key)) % partitions]
          += edge.getValue()[0];
    }
    long busiestPartition = java.util.Arrays.stream(perPartition).max().orElse(0);
    System.out.printf("key skew: the busiest edge key carries %.2f%% of the flows; the busiest partition %.1f%% (even: %.1f%%)%n",
        100.0 * busiestEdge / flows, 100.0 * busiestPartition / flows, 100.0 / partitions);
  }

  /**
   * The job jar on one fresh session cluster per entry of --task-managers, one after the other on the
   * same input (each with a consumer group of its own, from earliest); returns the first run's seconds.
   */
  private double runOnSessionClusters(String bootstrap, String topic, TopicLoad load, double decodeSeconds) {
    double first = Double.NaN;
    for (int count : taskManagers) {
      Path clusterDir = dir.toAbsolutePath().resolve("flink-cluster-" + System.currentTimeMillis());
      SessionClusterRun.Result run = SessionClusterRun.run(flinkJobJar.toAbsolutePath(), clusterDir, count, taskManagerMemory, partitions,
          dev.flowtel.flink.traffic.TrafficAggregationMain.class.getName(), jobArgs(bootstrap, topic));
      System.out.printf("Flink traffic aggregation on a session cluster of %d TaskManager(s) x %d slot(s): %,.0f flows/s "
          + "(%.1f s from the run request to FINISHED, parallelism %d, exactly-once, rollup %s)%n", count,
          run.slotsPerTaskManager(), load.flows() / run.seconds(), run.seconds(), partitions, rollup());
      System.out.printf("  source vertex ran %.1f s (deployed to end of input): %,.0f flows/s%n", run.sourceSeconds(),
          load.flows() / run.sourceSeconds());
      System.out.printf("  ratio job / decode-only ceiling: %.2f%n", decodeSeconds / run.seconds());
      if (Double.isNaN(first)) {
        first = run.seconds();
      } else {
        System.out.printf("  ratio to the first cluster (%d TaskManager(s)): %.2f%n", taskManagers.get(0), first / run.seconds());
      }
      for (FlinkJobClient.CheckpointRecord c : run.checkpoints()) {
        System.out.printf("  checkpoint %d %s%s: %,d bytes of state, %d ms end to end%n", c.id(), c.status(),
            c.savepoint() ? " (savepoint)" : "", c.stateSizeBytes(), c.endToEndMillis());
      }
      FlinkJobClient.CheckpointRecord largest = run.largestCheckpoint();
      if (largest != null) {
        System.out.printf("  largest checkpoint: %,d bytes (%,.0f bytes per distinct edge key of the input), %d ms%n",
            largest.stateSizeBytes(), (double) largest.stateSizeBytes() / load.flowKeys(), largest.endToEndMillis());
      }
    }
    return first;
  }

  private TopicLoad load(String bootstrap, String topic) {
    // Real timestamps (now minus the run) keep the broker's retention from deleting the input.
    SimulatorSettings settings = SimulatorSettings.defaults()
        .withSeed(seed).withNamespaces(namespaces).withPodsPerWorkload(podsPerWorkload).withNodes(40).withExtraEdges(extraEdges)
        .withFlowsPerSecond(50_000).withDuration(Duration.ofHours(24)).withEpisodesPerType(0)
        .withStart(java.time.Instant.now().minus(Duration.ofHours(25)));
    TopicLoad load = TopicLoad.write(ClusterSimulator.of(settings), flows, bootstrap, topic);
    printSkew(load.flowsPerKey(), load.flows());
    return load;
  }

  /** What a reading pass over the topic does with each record. */
  private enum Pass {
    /** The full codec: the cost floor of any job on this topic. */
    DECODE,
    /** {@link FlowEventSkimmer}, the codec for what it does not read: the floor of the jobs' decoding. */
    SKIM,
    /** The skim, then {@link FlowClassifier} on the skimmed flow, by the endpoints' values. */
    SKIM_CLASSIFY_BY_VALUE,
    /** {@link FlowIntake} as the jobs read: the skim, then classification by the skimmed endpoints' identity. */
    INTAKE
  }

  /** Reads every partition on its own thread and does {@code pass} with every record; the seconds it took. */
  private double readingPass(String bootstrap, String topic, Pass pass) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(partitions);
    long begin = System.nanoTime();
    List<Future<Long>> counts = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      int partition = p;
      counts.add(pool.submit(() -> {
        WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
        FlowEventSkimmer skimmer = new FlowEventSkimmer();
        FlowClassifier classifier = new FlowClassifier();
        FlowIntake intake = new FlowIntake(FlowIntake.Reading.CLASSIFIED_ONLY, FlowIntake.MissingValue.CODEC_EMPTY);
        TopicPartition tp = new TopicPartition(topic, partition);
        long read = 0;
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
            "max.poll.records", 5_000, "fetch.max.bytes", 64 * 1024 * 1024), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
          consumer.assign(List.of(tp));
          consumer.seekToBeginning(List.of(tp));
          long end = consumer.endOffsets(List.of(tp)).get(tp);
          long position = 0;
          while (position < end) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
              boolean done = switch (pass) {
                case DECODE -> codec.decode(r.value()) instanceof DecodeResult.Decoded<FlowEvent>;
                case SKIM -> skimmer.decode(r.value()) instanceof DecodeResult.Decoded<FlowEvent>;
                case SKIM_CLASSIFY_BY_VALUE -> {
                  if (skimmer.decode(r.value()) instanceof DecodeResult.Decoded<FlowEvent> decoded) {
                    classifier.classify(decoded.record());
                    yield true;
                  }
                  yield false;
                }
                case INTAKE -> !(intake.read(r.value()) instanceof FlowIntakeResult.Undecodable);
              };
              if (done) {
                read++;
              }
              position = r.offset() + 1;
            }
          }
        }
        return read;
      }));
    }
    long total = 0;
    for (Future<Long> count : counts) {
      total += count.get();
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - begin) / 1e9;
    if (total == 0) {
      throw new IllegalStateException(pass + " pass read nothing");
    }
    return seconds;
  }

  /**
   * The Kafka Streams app as deployed (traffic only, as the Flink traffic job), one stream thread
   * per partition, from earliest; done when its committed offsets reach the end of the input. The
   * time includes start-up and the first rebalance.
   */
  private double runStreams(String bootstrap, String topic, Path stateDir) throws Exception {
    String applicationId = "bench-streams-" + System.currentTimeMillis();
    dev.flowtel.streams.app.StreamsAppConfig config = dev.flowtel.streams.app.StreamsAppConfig.parse(
        "--bootstrap-servers", bootstrap, "--application-id", applicationId, "--state-dir", stateDir.toString(),
        "--flows-topic", topic, "--traffic-topic", "bench.traffic", "--dlq-topic", "bench.dlq", "--no-detection",
        "--threads", Integer.toString(partitions), "--rollup", rollup(), "--commit-interval", streamsCommitInterval,
        "--http-port", "-1");
    Map<TopicPartition, Long> end;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
      for (int p = 0; p < partitions; p++) {
        latest.put(new TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
      }
      end = new java.util.HashMap<>();
      for (var e : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
        end.put(e.getKey(), e.getValue().offset());
      }
      long begin = System.nanoTime();
      try (dev.flowtel.streams.app.FlowtelStreamsApp app = dev.flowtel.streams.app.FlowtelStreamsApp.start(config)) {
        while (true) {
          Thread.sleep(200);
          if (app.streams().state() == org.apache.kafka.streams.KafkaStreams.State.ERROR) {
            throw new IllegalStateException("the Kafka Streams app failed; see its log");
          }
          var committed = admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
          boolean done = end.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
              && committed.get(e.getKey()).offset() >= e.getValue());
          if (done) {
            return (System.nanoTime() - begin) / 1e9;
          }
        }
      }
    }
  }

  /** The job's options in every Flink run of the bench (bounded, from earliest, a group of its own), but its checkpoint dir. */
  private List<String> jobArgs(String bootstrap, String topic) {
    return List.of("--bootstrap-servers", bootstrap,
        "--flows-topic", topic, "--traffic-topic", "bench.traffic", "--dlq-topic", "bench.dlq",
        "--group-id", "bench-" + System.currentTimeMillis(), "--starting-offsets", "earliest", "--bounded",
        "--parallelism", Integer.toString(partitions), "--rollup", rollup());
  }

  private double runJob(String bootstrap, String topic) throws Exception {
    TrafficAggregationConfig config = localJobConfig(bootstrap, topic);
    StreamExecutionEnvironment env = environment(config);
    TrafficAggregationJob job = TrafficAggregationJob.onKafka(config, FlowClock.tap());
    job.configure(env);
    job.attachTo(env);
    long begin = System.nanoTime();
    env.execute("bench traffic aggregation");
    double seconds = (System.nanoTime() - begin) / 1e9;
    readingSeconds = FlowClock.readingSeconds();
    return seconds;
  }

  /**
   * The traffic job's source exactly as the job reads (same options, decoding, watermarks and
   * checkpoints), into a sink that drops every record; the seconds from its first record to its last.
   */
  private double runSourceOnly(String bootstrap, String topic) throws Exception {
    TrafficAggregationConfig config = localJobConfig(bootstrap, topic);
    StreamExecutionEnvironment env = environment(config);
    TrafficAggregationJob job = TrafficAggregationJob.onKafka(config);
    job.configure(env);
    FlowClock.clocked(job.readFlows(env)).sinkTo(new DiscardingSink<>()).name("discard");
    env.execute("bench traffic source alone");
    return FlowClock.readingSeconds();
  }

  /** {@link #jobArgs} for a run in this JVM, checkpointing to files: the JobManager's memory refuses state over 5 MB. */
  private TrafficAggregationConfig localJobConfig(String bootstrap, String topic) {
    List<String> args = new ArrayList<>(jobArgs(bootstrap, topic));
    args.addAll(List.of("--checkpoint-dir", dir.toAbsolutePath().resolve("checkpoints").toUri().toString()));
    return TrafficAggregationConfig.parse(args.toArray(String[]::new));
  }

  private static StreamExecutionEnvironment environment(TrafficAggregationConfig config) {
    return StreamExecutionEnvironment.getExecutionEnvironment(Configuration.fromMap(config.flinkConfiguration()));
  }

  /** Seconds from the first to the last flow the job's source tasks checked, in the last Flink run. */
  private double readingSeconds = Double.NaN;
}
