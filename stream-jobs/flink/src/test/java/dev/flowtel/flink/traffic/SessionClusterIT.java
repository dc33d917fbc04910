package dev.flowtel.flink.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.traffic.TrafficAccumulator;
import dev.flowtel.flink.kafka.ServiceTrafficRecordSerializer;
import dev.flowtel.flink.testing.KafkaTopics;
import dev.flowtel.localstack.FlinkJobClient;
import dev.flowtel.localstack.FlinkJobClient.Submission;
import dev.flowtel.localstack.FlinkSessionCluster;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.SharedServers;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shaded job jar on a real Flink session cluster (a JobManager and two TaskManagers, each its own
 * JVM, two slots each), submitted as users submit it, against the real broker. Every scenario checks
 * conservation: read with read_committed, every window of the input comes out once, with exactly the
 * bytes and packets of the flows in it.
 *
 * <p>Given 24,000 flow observations of 40 service edges over two minutes on two partitions, the job
 * reads the first 40 s and a checkpoint covers it; the test then sends the next 40 s and, once the job
 * has written a window of them, SIGKILLs a TaskManager. The job restarts from the last checkpoint on the
 * surviving TaskManager; the rest of the input follows, and a flow per partition far later closes every
 * window of the input.
 */
@WithKafka
@Timeout(600)
class SessionClusterIT {

  private static final Path JOB_JAR = Path.of("target", "flowtel-flink-job.jar").toAbsolutePath();
  private static final long FIRST_PART_ENDS = ScriptedFlows.T0.toEpochMilli() + 40_000;
  private static final long SECOND_PART_ENDS = ScriptedFlows.T0.toEpochMilli() + 80_000;
  /** Flows at this time close every window of the input; their own windows are not checked. */
  private static final long CLOSING = ScriptedFlows.T0.toEpochMilli() + 600_000;

  private static FlinkSessionCluster cluster;
  private static FlinkJobClient client;

  @BeforeAll
  static void startCluster() {
    assertThat(JOB_JAR).as("the job jar, built by this module's package phase").exists();
    cluster = FlinkSessionCluster.start(FlinkSessionCluster.Settings.in(SharedServers.scratch("flink-cluster")));
    client = cluster.client();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.stop();
    }
  }

  @Test
  void aTaskManagerKilledMidWindowNeitherLosesNorDuplicatesAWindow(KafkaFixture kafka) throws Exception {
    Run run = Run.create(kafka, "tmkill", 2);
    Input input = Input.generate(2);
    int secondPart = input.firstEndingAtOrAfter(FIRST_PART_ENDS);
    int thirdPart = input.firstEndingAtOrAfter(SECOND_PART_ENDS);

    run.produce(input, 0, secondPart);
    // As the README's deploy lines do it: the flink run front end, detached.
    String job = client.runWithCli(Submission.of(JOB_JAR, TrafficAggregationMain.class.getName(), run.jobArgs(2)));
    client.awaitRunning(job, Duration.ofMinutes(3));
    awaitCommitted(run, input.ends(run.flows, secondPart));
    long checkpointsBeforeKill = client.checkpoints(job).completed();

    run.produce(input, secondPart, thirdPart);
    run.topics.awaitUncommitted(run.traffic, "window of the second part", r -> windowStart(r) >= FIRST_PART_ENDS);
    cluster.killTaskManager(0);

    // The job restores the last completed checkpoint on the surviving TaskManager's two slots.
    awaitRestored(job);
    client.awaitRunning(job, Duration.ofMinutes(3));
    run.produce(input, thirdPart, input.size());
    run.produceClosingFlows();
    awaitCommitted(run, run.endsWithClosing(input));

    assertThat(checkpointsBeforeKill).as("a checkpoint completed before the kill").isPositive();
    assertThat(client.checkpoints(job).restoredId()).as("the job restored a checkpoint").isPresent();
    assertConserved(run, input);
    client.cancel(job);
    // The next scenario needs the slots back: a replacement TaskManager joins.
    cluster.startTaskManager();
  }

  /**
   * Stop-with-savepoint over REST while flows keep coming, then the job started again from the
   * savepoint with parallelism 3 instead of 2 (on three partitions, so every subtask reads one and
   * every watermark moves): windows open at the savepoint close with every flow, none twice.
   */
  @Test
  void stopWithSavepointAndRestartWiderNeitherLosesNorDuplicatesAWindow(KafkaFixture kafka) throws Exception {
    Run run = Run.create(kafka, "upgrade", 3);
    Input input = Input.generate(3);
    int secondPart = input.firstEndingAtOrAfter(FIRST_PART_ENDS);
    int thirdPart = input.firstEndingAtOrAfter(SECOND_PART_ENDS);

    run.produce(input, 0, secondPart);
    String jar = client.uploadJar(JOB_JAR);
    Submission submission = Submission.of(JOB_JAR, TrafficAggregationMain.class.getName(), run.jobArgs(2));
    String before = client.runJar(jar, submission);
    client.awaitRunning(before, Duration.ofMinutes(3));
    awaitCommitted(run, input.ends(run.flows, secondPart));

    run.produce(input, secondPart, thirdPart);
    run.topics.awaitUncommitted(run.traffic, "window of the second part", r -> windowStart(r) >= FIRST_PART_ENDS);
    String savepoint = client.stopWithSavepoint(before, cluster.savepointDir(), Duration.ofMinutes(3));
    client.awaitState(before, "FINISHED", Duration.ofMinutes(1));

    // Flows keep coming while no job runs; the next one starts from the savepoint's offsets.
    run.produce(input, thirdPart, input.size());
    String after = client.runJar(jar, new Submission(JOB_JAR, TrafficAggregationMain.class.getName(), run.jobArgs(3), savepoint, 3));
    client.awaitRunning(after, Duration.ofMinutes(3));
    run.produceClosingFlows();
    awaitCommitted(run, run.endsWithClosing(input));

    assertThat(client.checkpoints(after).restoredId()).as("the new job restored the savepoint").isPresent();
    assertConserved(run, input);
    client.cancel(after);
  }

  private static void awaitRestored(String job) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (client.checkpoints(job).restoredId().isEmpty()) {
      if (Instant.now().isAfter(deadline)) {
        fail("job " + job + " restored no checkpoint within 3 minutes of the kill (state " + client.jobState(job)
            + ", exceptions " + client.exceptions(job) + ")");
      }
      pause();
    }
  }

  /** Waits until a completed checkpoint committed the job's input offsets up to {@code ends}. */
  private static void awaitCommitted(Run run, Map<TopicPartition, Long> ends) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (!run.topics.committedUpTo(run.group, ends)) {
      if (Instant.now().isAfter(deadline)) {
        fail("the job did not commit input offsets " + ends + " within 3 minutes");
      }
      pause();
    }
  }

  /**
   * Every window of the input, read with read_committed, once, with the input's sums. The window
   * results of the checkpoint that committed the last input offsets may commit a moment after
   * those offsets, so this reads until every expected window is there (the deadline is a safety net).
   */
  private static void assertConserved(Run run, Input input) {
    Map<String, TrafficAccumulator> expected = input.expected();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    Map<String, List<ServiceTraffic>> byWindow;
    do {
      byWindow = new TreeMap<>();
      for (ServiceTraffic t : KafkaTopics.decodeTraffic(run.topics.readCommitted(run.traffic))) {
        if (t.getWindowStart().toEpochMilli() < CLOSING - 60_000) {
          byWindow.computeIfAbsent(ServiceTrafficRecordSerializer.key(t), k -> new ArrayList<>()).add(t);
        }
      }
      if (byWindow.keySet().containsAll(expected.keySet())) {
        break;
      }
      pause();
    } while (Instant.now().isBefore(deadline));
    assertThat(byWindow.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    long outputBytes = 0;
    long outputPackets = 0;
    for (Map.Entry<String, List<ServiceTraffic>> window : byWindow.entrySet()) {
      assertThat(window.getValue()).as("records of %s", window.getKey()).hasSize(1);
      ServiceTraffic actual = window.getValue().get(0);
      long start = actual.getWindowStart().toEpochMilli();
      assertThat(actual).as(window.getKey()).isEqualTo(expected.get(window.getKey()).toServiceTraffic(start, start + 10_000, 0));
      outputBytes += actual.getBytesToDestination() + actual.getBytesToSource();
      outputPackets += actual.getPacketsToDestination() + actual.getPacketsToSource();
    }
    long inputBytes = 0;
    long inputPackets = 0;
    for (TrafficAccumulator a : expected.values()) {
      ServiceTraffic sums = a.toServiceTraffic(0, 1, 0);
      inputBytes += sums.getBytesToDestination() + sums.getBytesToSource();
      inputPackets += sums.getPacketsToDestination() + sums.getPacketsToSource();
    }
    assertThat(outputBytes).as("bytes out = bytes in").isEqualTo(inputBytes);
    assertThat(outputPackets).as("packets out = packets in").isEqualTo(inputPackets);
  }

  private static long windowStart(ConsumerRecord<byte[], byte[]> record) {
    return KafkaTopics.decodeTraffic(List.of(record)).get(0).getWindowStart().toEpochMilli();
  }

  private static void pause() {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One scenario's topics and consumer group, fresh per run. */
  private record Run(KafkaTopics topics, String bootstrap, String flows, String traffic, String dlq, String group, int partitions) {

    static Run create(KafkaFixture kafka, String scenario, int partitions) throws Exception {
      String id = scenario + "-" + UUID.randomUUID().toString().substring(0, 8);
      Run run = new Run(new KafkaTopics(kafka.bootstrapServers()), kafka.bootstrapServers(), "it.cluster.flows." + id,
          "it.cluster.traffic." + id, "it.cluster.dlq." + id, "it-cluster-" + id, partitions);
      run.topics.create(partitions, run.flows, run.traffic, run.dlq);
      return run;
    }

    /**
     * The job's options. Idleness is wall time: on a busy machine a partition paused between the
     * parts could be declared idle and its flows reach the windows behind the other's watermark.
     */
    List<String> jobArgs(int parallelism) {
      return List.of("--bootstrap-servers", bootstrap, "--flows-topic", flows, "--traffic-topic", traffic,
          "--dlq-topic", dlq, "--group-id", group, "--starting-offsets", "earliest", "--rollup", "0",
          "--idleness", "1h", "--checkpoint-interval", "2s", "--restart-attempts", "20", "--restart-delay", "1s",
          "--parallelism", Integer.toString(parallelism));
    }

    void produce(Input input, int from, int to) throws Exception {
      topics.produce(flows, input.arrivals().subList(from, to), i -> input.partitions().get(from + i));
    }

    /** One exchange per partition far after the input, which moves both partitions' watermarks past every input window. */
    void produceClosingFlows() throws Exception {
      List<byte[]> closing = new ArrayList<>();
      double second = (CLOSING - ScriptedFlows.T0.toEpochMilli()) / 1000.0;
      for (int p = 0; p < partitions; p++) {
        closing.addAll(closingExchange(p, second).arrivals());
      }
      int perPartition = closing.size() / partitions;
      topics.produce(flows, closing, i -> i / perPartition);
    }

    Map<TopicPartition, Long> endsWithClosing(Input input) {
      Map<TopicPartition, Long> ends = input.ends(flows, input.size());
      int perPartition = closingExchange(0, 0).arrivals().size();
      ends.replaceAll((tp, offset) -> offset + perPartition);
      return ends;
    }

    private static ScriptedFlows closingExchange(int partition, double second) {
      Endpoint from = ScriptedFlows.pod("closer-" + partition, "closer-" + partition, "Deployment", "node-a", List.of());
      Endpoint to = ScriptedFlows.pod("server-0-0", "server-0", "Deployment", "node-b", List.of("server-0"));
      return new ScriptedFlows().exchange(from, new byte[] {10, (byte) 244, 3, (byte) partition}, 50_000, to,
          new byte[] {10, (byte) 244, 2, 0}, 8080, second, 100, 1_000, 0x12, 0x12, 100L);
    }
  }

  /** The arrivals in order, the partition and flow end of each, and the windows they sum to. */
  private record Input(List<byte[]> arrivals, List<Integer> partitions, List<Long> flowEnds,
      Map<String, TrafficAccumulator> expected, int partitionCount) {

    int size() {
      return arrivals.size();
    }

    int firstEndingAtOrAfter(long millis) {
      for (int i = 0; i < size(); i++) {
        if (flowEnds.get(i) >= millis) {
          return i;
        }
      }
      throw new IllegalArgumentException("no flow ends at or after " + millis);
    }

    /** The offsets of each partition after the first {@code count} arrivals (the topic is new, the producer idempotent). */
    Map<TopicPartition, Long> ends(String topic, int count) {
      Map<TopicPartition, Long> ends = new HashMap<>();
      for (int p = 0; p < partitionCount; p++) {
        ends.put(new TopicPartition(topic, p), 0L);
      }
      for (int i = 0; i < count; i++) {
        ends.merge(new TopicPartition(topic, partitions.get(i)), 1L, Long::sum);
      }
      return ends;
    }

    /** 6,000 exchanges (24,000 observations: each direction seen at both ends) on 40 edges, in event-time order per partition. */
    static Input generate(int partitionCount) {
      List<byte[]> arrivals = new ArrayList<>();
      List<Integer> partitions = new ArrayList<>();
      List<Long> flowEnds = new ArrayList<>();
      WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
      FlowClassifier classifier = new FlowClassifier();
      Map<String, TrafficAccumulator> expected = new HashMap<>();
      for (int i = 0; i < 6_000; i++) {
        int client = i % 40;
        double second = i * 0.02;
        Endpoint from = ScriptedFlows.pod("client-" + client + "-0", "client-" + client, "Deployment", "node-a", List.of());
        Endpoint to = ScriptedFlows.pod("server-" + (client % 5) + "-0", "server-" + (client % 5), "Deployment", "node-b",
            List.of("server-" + (client % 5)));
        byte[] fromIp = {10, (byte) 244, 1, (byte) client};
        byte[] toIp = {10, (byte) 244, 2, (byte) (client % 5)};
        ScriptedFlows exchange = new ScriptedFlows().exchange(from, fromIp, 40_000 + i % 20_000, to, toIp, 8080, second,
            100 + i % 900, 1_000 + i % 9_000, 0x12, 0x12, 100L + i % 1000);
        for (byte[] bytes : exchange.arrivals()) {
          FlowEvent flow = codec.decode(bytes).orElseThrow();
          arrivals.add(bytes);
          partitions.add(client % partitionCount);
          flowEnds.add(flow.getFlowEnd().toEpochMilli());
          classifier.classify(flow).ifPresent(c -> accumulate(expected, c));
        }
      }
      return new Input(arrivals, partitions, flowEnds, expected, partitionCount);
    }

    private static void accumulate(Map<String, TrafficAccumulator> expected, ClassifiedFlow flow) {
      long start = flow.eventTimeMillis() - Math.floorMod(flow.eventTimeMillis(), 10_000L);
      String key = flow.edgeKey() + '@' + start + "/10000";
      expected.computeIfAbsent(key, k -> new TrafficAccumulator()).add(flow);
    }
  }
}
