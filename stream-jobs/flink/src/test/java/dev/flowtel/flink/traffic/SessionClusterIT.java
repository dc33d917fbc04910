package dev.flowtel.flink.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.flowtel.flink.testing.KafkaTopics;
import dev.flowtel.flink.testing.NextFlowEventRelease;
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
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
 *
 * <p>The upgrade scenario upgrades to the next release of the job, whose input carries the next
 * release's FlowEvent schema ({@link NextFlowEventRelease}). One cluster start serves both scenarios.
 */
@WithKafka
@Timeout(600)
class SessionClusterIT {

  private static final Path JOB_JAR = Path.of("target", "flowtel-flink-job.jar").toAbsolutePath();
  private static final long FIRST_PART_ENDS = ScriptedFlows.T0.toEpochMilli() + 40_000;
  private static final long SECOND_PART_ENDS = ScriptedFlows.T0.toEpochMilli() + 80_000;
  /** Flows at this time close every window of the input; their own windows are not checked. */

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
    TrafficInput input = TrafficInput.generate(2);
    int thirdPart = input.firstEndingAtOrAfter(SECOND_PART_ENDS);

    // As the README's deploy lines do it: the flink run front end, detached.
    Started job = runThroughSecondPart(run, input,
        () -> client.runWithCli(Submission.of(JOB_JAR, TrafficAggregationMain.class.getName(), run.jobArgs(2))));
    cluster.killTaskManager(0);

    // The job restores the last completed checkpoint on the surviving TaskManager's two slots.
    awaitRestored(job.id());
    client.awaitRunning(job.id(), Duration.ofMinutes(3));
    run.produce(input.arrivals(), input, thirdPart, input.size());
    run.produceClosingFlows(input);
    TrafficInput.awaitCommitted(run.topics, run.group, input.endsWithClosing(run.flows));

    assertThat(job.checkpointsAfterFirstPart()).as("a checkpoint completed before the kill").isPositive();
    assertThat(client.checkpoints(job.id()).restoredId()).as("the job restored a checkpoint").isPresent();
    input.awaitConserved(() -> KafkaTopics.decodeTraffic(run.topics.readCommitted(run.traffic)));
    client.cancel(job.id());
    // The next scenario needs the slots back: a replacement TaskManager joins.
    cluster.startTaskManager();
  }

  /**
   * The upgrade the deploy README describes, to the next release: stop-with-savepoint over REST while
   * flows keep coming, then the next release's job jar (which publishes the next FlowEvent version,
   * {@link NextFlowEventRelease}) started from the savepoint with parallelism 3 instead of 2 (on three
   * partitions, so every subtask reads one and every watermark moves).
   *
   * <p>Collectors upgrade as the job does, node by node: until the savepoint every flow is written
   * with today's schema; while no job runs, the first half of the rest still is (collectors not yet
   * upgraded), the second half and the closing flows are written by the next release's collector.
   * The new job reads both from the savepoint's offsets: windows open at the savepoint close with
   * every flow, none twice, and nothing goes to the dead-letter topic.
   */
  @Test
  void upgradeFromASavepointToTheNextReleaseWiderAndWithTheNextFlowSchemaNeitherLosesNorDuplicatesAWindow(
      KafkaFixture kafka, @TempDir Path jars) throws Exception {
    NextFlowEventRelease next = new NextFlowEventRelease();
    assertThat(next.knownToThisBuild()).as("the job before the upgrade does not know the next FlowEvent version").isFalse();
    Path nextJar = next.jobJar(JOB_JAR, jars.resolve("flowtel-flink-job-next.jar"));
    Run run = Run.create(kafka, "upgrade", 3);
    TrafficInput input = TrafficInput.generate(3);
    int thirdPart = input.firstEndingAtOrAfter(SECOND_PART_ENDS);
    int nextWritersFrom = (thirdPart + input.size()) / 2;
    List<byte[]> nextRelease = next.rewrite(input.arrivals());

    Started before = runThroughSecondPart(run, input, () -> client.runWithRest(
        Submission.of(JOB_JAR, TrafficAggregationMain.class.getName(), run.jobArgs(2))));
    String savepoint = client.stopWithSavepoint(before.id(), cluster.savepointDir(), Duration.ofMinutes(3));
    client.awaitState(before.id(), "FINISHED", Duration.ofMinutes(1));

    // Flows keep coming while no job runs; the next one starts from the savepoint's offsets.
    run.produce(input.arrivals(), input, thirdPart, nextWritersFrom);
    run.produce(nextRelease, input, nextWritersFrom, input.size());
    String after = client.runWithRest(new Submission(nextJar, TrafficAggregationMain.class.getName(), run.jobArgs(3), savepoint, 3));
    client.awaitRunning(after, Duration.ofMinutes(3));
    run.produceClosingFlows(input, next);
    TrafficInput.awaitCommitted(run.topics, run.group, input.endsWithClosing(run.flows));

    assertThat(client.checkpoints(after).restoredId()).as("the new job restored the savepoint").isPresent();
    input.awaitConserved(() -> KafkaTopics.decodeTraffic(run.topics.readCommitted(run.traffic)));
    assertThat(run.topics.readCommitted(run.dlq)).as("dead letters of either job").isEmpty();
    client.cancel(after);
  }

  /** A job submitted, and how many checkpoints it had completed once one covered the first part. */
  private record Started(String id, long checkpointsAfterFirstPart) {}

  /**
   * What both scenarios begin with: the first part produced, the job submitted and running, a
   * checkpoint committing the first part's offsets; then the second part produced and a window of
   * it sent by the job (in a transaction no checkpoint has committed yet).
   */
  private static Started runThroughSecondPart(Run run, TrafficInput input, Supplier<String> submit) {
    int secondPart = input.firstEndingAtOrAfter(FIRST_PART_ENDS);
    int thirdPart = input.firstEndingAtOrAfter(SECOND_PART_ENDS);
    run.produce(input.arrivals(), input, 0, secondPart);
    String job = submit.get();
    client.awaitRunning(job, Duration.ofMinutes(3));
    TrafficInput.awaitCommitted(run.topics, run.group, input.ends(run.flows, secondPart));
    long checkpoints = client.checkpoints(job).completed();
    run.produce(input.arrivals(), input, secondPart, thirdPart);
    run.topics.awaitUncommitted(run.traffic, "window of the second part",
        r -> KafkaTopics.trafficWindowStart(r) >= FIRST_PART_ENDS);
    return new Started(job, checkpoints);
  }

  private static void awaitRestored(String job) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (client.checkpoints(job).restoredId().isEmpty()) {
      if (Instant.now().isAfter(deadline)) {
        fail("job " + job + " restored no checkpoint within 3 minutes of the kill (state " + client.jobState(job)
            + ", exceptions " + client.exceptions(job) + ")");
      }
      TrafficInput.pause();
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

    /** Sends {@code records} {@code from} to {@code to} (the input's arrivals, as one writer or another wrote them) to their partitions. */
    void produce(List<byte[]> records, TrafficInput input, int from, int to) {
      try {
        topics.produce(flows, records.subList(from, to), i -> input.partitions().get(from + i));
      } catch (Exception e) {
        throw new IllegalStateException("cannot produce the input to " + flows, e);
      }
    }

    /** The closing flows (see {@link TrafficInput#closingArrivals}), as today's collector writes them. */
    void produceClosingFlows(TrafficInput input) throws Exception {
      produceClosing(input, input.closingArrivals());
    }

    /** The closing flows as the next release's collector writes them. */
    void produceClosingFlows(TrafficInput input, NextFlowEventRelease next) throws Exception {
      produceClosing(input, next.rewrite(input.closingArrivals()));
    }

    private void produceClosing(TrafficInput input, List<byte[]> closing) throws Exception {
      topics.produce(flows, closing, i -> i / input.closingPerPartition());
    }
  }
}
