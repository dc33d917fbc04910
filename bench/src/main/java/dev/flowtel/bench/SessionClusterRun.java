package dev.flowtel.bench;

import dev.flowtel.localstack.FlinkJobClient;
import dev.flowtel.localstack.FlinkJobClient.CheckpointRecord;
import dev.flowtel.localstack.FlinkJobClient.Submission;
import dev.flowtel.localstack.FlinkSessionCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The traffic job jar as users submit it, on a local Flink session cluster (a JobManager and N
 * TaskManagers, each its own JVM) started for the one run and stopped after it: what
 * {@code ./flowtel bench traffic --flink-cluster} measures instead of the in-process MiniCluster.
 */
final class SessionClusterRun {

  /**
   * One bounded run: seconds from the run request to FINISHED, how long the source vertex ran (deploy
   * to the end of the input), and the checkpoints the JobManager remembers of it.
   */
  record Result(int taskManagers, int slotsPerTaskManager, double seconds, double sourceSeconds,
      List<CheckpointRecord> checkpoints) {

    /** The largest completed checkpoint (not the final one of a bounded job, which holds little). */
    CheckpointRecord largestCheckpoint() {
      return checkpoints.stream().filter(c -> "COMPLETED".equals(c.status()) && !c.savepoint())
          .max(Comparator.comparingLong(CheckpointRecord::stateSizeBytes)).orElse(null);
    }
  }

  private SessionClusterRun() {}

  /**
   * Runs {@code mainClass} of {@code jobJar} with {@code args} (whose {@code --checkpoint-dir} is the
   * cluster's) at {@code parallelism}, spread over {@code taskManagers} TaskManagers of
   * {@code taskManagerMemory} (Flink's process size) with just enough slots each.
   */
  static Result run(Path jobJar, Path directory, int taskManagers, String taskManagerMemory, int parallelism,
      String mainClass, List<String> args) {
    int slots = (parallelism + taskManagers - 1) / taskManagers;
    FlinkSessionCluster.Settings settings = FlinkSessionCluster.Settings.in(directory)
        .withTaskManagers(taskManagers).withSlotsPerTaskManager(slots)
        .withConfig(Map.of("taskmanager.memory.process.size", taskManagerMemory));
    try (FlinkSessionCluster cluster = FlinkSessionCluster.start(settings)) {
      FlinkJobClient client = cluster.client();
      String jar = client.uploadJar(jobJar);
      List<String> withCheckpoints = new ArrayList<>(args);
      withCheckpoints.addAll(List.of("--checkpoint-dir", cluster.checkpointDir().toUri().toString()));
      long begin = System.nanoTime();
      String job = client.runJar(jar, Submission.of(jobJar, mainClass, withCheckpoints).withParallelism(parallelism));
      List<CheckpointRecord> seenRunning = awaitFinished(client, job);
      double seconds = (System.nanoTime() - begin) / 1e9;
      long sourceMillis = client.vertexDurations(job).entrySet().stream().filter(v -> v.getKey().startsWith("Source"))
          .mapToLong(Map.Entry::getValue).max().orElse(-1);
      List<CheckpointRecord> checkpoints = checkpointHistory(client, job);
      return new Result(taskManagers, slots, seconds, sourceMillis / 1e3,
          checkpoints.size() >= seenRunning.size() ? checkpoints : seenRunning);
    }
  }

  private static List<CheckpointRecord> checkpointHistory(FlinkJobClient client, String job) {
    try {
      return client.checkpointHistory(job);
    } catch (RuntimeException e) {
      System.out.println("  (checkpoint history of job " + job + " not available: " + e.getMessage() + ")");
      return List.of();
    }
  }

  /**
   * Polls the job until it FINISHED, and its checkpoint history once a second meanwhile (in case a
   * finished job's is no longer served); a failed or cancelled job stops the bench with the job's exceptions.
   */
  private static List<CheckpointRecord> awaitFinished(FlinkJobClient client, String job) {
    List<CheckpointRecord> history = List.of();
    long nextHistory = System.nanoTime();
    while (true) {
      String state = client.jobState(job);
      if ("FINISHED".equals(state)) {
        return history;
      }
      if (System.nanoTime() - nextHistory >= 0) {
        history = checkpointHistory(client, job);
        nextHistory = System.nanoTime() + 1_000_000_000L;
      }
      if ("FAILED".equals(state) || "CANCELED".equals(state)) {
        throw new IllegalStateException("the traffic job on the session cluster is " + state + ": " + client.exceptions(job));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for job " + job, e);
      }
    }
  }
}
