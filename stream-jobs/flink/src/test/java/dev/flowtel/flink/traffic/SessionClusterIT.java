package dev.flowtel.flink.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.flowtel.flink.testing.KafkaTopics;
import dev.flowtel.localstack.FlinkJobClient;
import dev.flowtel.localstack.FlinkJobClient.Submission;
import dev.flowtel.localstack.FlinkSessionCluster;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.SharedServers;
import dev.flowtel.testing.WithKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
    ScriptedTraffic input = ScriptedTraffic.generate(2, 6_000);
    int secondPart = input.firstEndingAtOrAfter(FIRST_PART_ENDS);
    int thirdPart = input.firstEndingAtOrAfter(SECOND_PART_ENDS);

    run.produce(input, 0, secondPart);
    // As the README's deploy lines do it: the flink run front end, detached.
    String job = client.runWithCli(Submission.of(JOB_JAR, TrafficAggregationMain.class.getName(), run.jobArgs(2)));
    client.awaitRunning(job, Duration.ofMinutes(3));
    ScriptedTraffic.awaitCommitted(run.topics, run.group, input.ends(run.flows, secondPart));
    long checkpointsBeforeKill = client.checkpoints(job).completed();

    run.produce(input, secondPart, thirdPart);
    run.topics.awaitUncommitted(run.traffic, "window of the second part", r -> windowStart(r) >= FIRST_PART_ENDS);
    cluster.killTaskManager(0);

    // The job restores the last completed checkpoint on the surviving TaskManager's two slots.
    awaitRestored(job);
    client.awaitRunning(job, Duration.ofMinutes(3));
    run.produce(input, thirdPart, input.size());
    run.produceClosingFlows(input);
    ScriptedTraffic.awaitCommitted(run.topics, run.group, input.endsWithClosing(run.flows));

    assertThat(checkpointsBeforeKill).as("a checkpoint completed before the kill").isPositive();
    assertThat(client.checkpoints(job).restoredId()).as("the job restored a checkpoint").isPresent();
    input.assertConserved(() -> KafkaTopics.decodeTraffic(run.topics.readCommitted(run.traffic)));
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
    ScriptedTraffic input = ScriptedTraffic.generate(3, 6_000);
    int secondPart = input.firstEndingAtOrAfter(FIRST_PART_ENDS);
    int thirdPart = input.firstEndingAtOrAfter(SECOND_PART_ENDS);

    run.produce(input, 0, secondPart);
    String jar = client.uploadJar(JOB_JAR);
    Submission submission = Submission.of(JOB_JAR, TrafficAggregationMain.class.getName(), run.jobArgs(2));
    String before = client.runJar(jar, submission);
    client.awaitRunning(before, Duration.ofMinutes(3));
    ScriptedTraffic.awaitCommitted(run.topics, run.group, input.ends(run.flows, secondPart));

    run.produce(input, secondPart, thirdPart);
    run.topics.awaitUncommitted(run.traffic, "window of the second part", r -> windowStart(r) >= FIRST_PART_ENDS);
    String savepoint = client.stopWithSavepoint(before, cluster.savepointDir(), Duration.ofMinutes(3));
    client.awaitState(before, "FINISHED", Duration.ofMinutes(1));

    // Flows keep coming while no job runs; the next one starts from the savepoint's offsets.
    run.produce(input, thirdPart, input.size());
    String after = client.runJar(jar, new Submission(JOB_JAR, TrafficAggregationMain.class.getName(), run.jobArgs(3), savepoint, 3));
    client.awaitRunning(after, Duration.ofMinutes(3));
    run.produceClosingFlows(input);
    ScriptedTraffic.awaitCommitted(run.topics, run.group, input.endsWithClosing(run.flows));

    assertThat(client.checkpoints(after).restoredId()).as("the new job restored the savepoint").isPresent();
    input.assertConserved(() -> KafkaTopics.decodeTraffic(run.topics.readCommitted(run.traffic)));
    client.cancel(after);
  }

  private static void awaitRestored(String job) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (client.checkpoints(job).restoredId().isEmpty()) {
      if (Instant.now().isAfter(deadline)) {
        fail("job " + job + " restored no checkpoint within 3 minutes of the kill (state " + client.jobState(job)
            + ", exceptions " + client.exceptions(job) + ")");
      }
      ScriptedTraffic.pause();
    }
  }

  private static long windowStart(ConsumerRecord<byte[], byte[]> record) {
    return KafkaTopics.decodeTraffic(List.of(record)).get(0).getWindowStart().toEpochMilli();
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

    void produce(ScriptedTraffic input, int from, int to) throws Exception {
      topics.produce(flows, input.arrivals().subList(from, to), i -> input.partitions().get(from + i));
    }

    /** One exchange per partition far after the input, which moves every partition's watermark past every input window. */
    void produceClosingFlows(ScriptedTraffic input) throws Exception {
      topics.produce(flows, input.closingArrivals(), i -> i / input.closingPerPartition());
    }
  }
}
