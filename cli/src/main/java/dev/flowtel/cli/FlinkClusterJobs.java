package dev.flowtel.cli;

import dev.flowtel.flink.detection.PolicyAnomalyMain;
import dev.flowtel.flink.traffic.TrafficAggregationMain;
import dev.flowtel.localstack.FlinkJobClient;
import dev.flowtel.localstack.FlinkJobClient.Submission;
import dev.flowtel.localstack.FlinkSessionCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./flowtel up --flink-cluster}: the two Flink jobs on a local standalone session cluster (a
 * JobManager and two TaskManagers in JVMs of their own), submitted from the shaded job jar with the
 * {@code flink run} front end as a user deploys them, instead of on a MiniCluster in this JVM.
 */
final class FlinkClusterJobs implements AutoCloseable {

  private final FlinkSessionCluster cluster;
  private final FlinkJobClient client;
  private final Map<String, String> jobs = new LinkedHashMap<>();

  private FlinkClusterJobs(FlinkSessionCluster cluster) {
    this.cluster = cluster;
    this.client = cluster.client();
  }

  /** The job jar as given, or an error that says how to build it when it is missing. */
  static Path jobJar(Path jar) {
    Path absolute = jar.toAbsolutePath().normalize();
    if (!Files.isRegularFile(absolute)) {
      throw new IllegalStateException("--flink-cluster submits the shaded job jar " + absolute + ", which is missing:"
          + " build it with ./flowtel build (or mvn -pl stream-jobs/flink -am package -DskipTests), or name it with --flink-job-jar");
    }
    return absolute;
  }

  /** Starts the cluster with its web UI on {@code uiPort}; it stops with {@link #close()}. */
  static FlinkClusterJobs start(Path directory, int uiPort, int parallelism, Progress progress) {
    progress.step("starting a Flink session cluster (JobManager and 2 TaskManagers) with its web UI at http://127.0.0.1:" + uiPort);
    // Two jobs of the given parallelism, each subtask in a slot of its own.
    int slotsPerTaskManager = Math.max(2, parallelism);
    FlinkSessionCluster cluster = FlinkSessionCluster.start(FlinkSessionCluster.Settings.in(directory)
        .withRestPort(uiPort).withSlotsPerTaskManager(slotsPerTaskManager));
    cluster.stopOnlyWhenAsked();
    return new FlinkClusterJobs(cluster);
  }

  /** Submits both jobs with {@code flink run} and waits until their tasks run. */
  void submit(Path jar, List<String> trafficArgs, List<String> detectionArgs, int parallelism, Progress progress) {
    submit("traffic aggregation", jar, TrafficAggregationMain.class.getName(), trafficArgs, parallelism, progress);
    submit("policy anomaly detection", jar, PolicyAnomalyMain.class.getName(), detectionArgs, parallelism, progress);
  }

  private void submit(String name, Path jar, String mainClass, List<String> args, int parallelism, Progress progress) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--parallelism", Integer.toString(parallelism)));
    progress.step("flink run -d -c " + mainClass + " " + jar.getFileName() + " ...");
    String id = client.runWithCli(Submission.of(jar, mainClass, all));
    client.awaitRunning(id, Duration.ofMinutes(3));
    jobs.put(name, id);
    progress.step(name + " job " + id + " RUNNING: " + webUi() + "/#/job/running/" + id + "/overview");
  }

  String webUi() {
    return "http://127.0.0.1:" + cluster.settings().restPort();
  }

  /** RUNNING when every job runs; otherwise each job's state, and for a failed one why. */
  String jobState() {
    List<String> states = new ArrayList<>();
    boolean allRunning = !jobs.isEmpty();
    for (Map.Entry<String, String> job : jobs.entrySet()) {
      String state;
      try {
        state = client.jobState(job.getValue());
      } catch (RuntimeException e) {
        state = "unknown (" + e.getMessage() + ")";
      }
      if (!state.equals("RUNNING")) {
        allRunning = false;
        if (state.equals("FAILED") || state.equals("RESTARTING")) {
          state += " " + client.exceptions(job.getValue());
        }
      }
      states.add(job.getKey() + " " + state);
    }
    return allRunning ? "RUNNING" : jobs.isEmpty() ? "not started" : String.join(", ", states);
  }

  /** Cancels the jobs, then stops the TaskManagers and the JobManager; logs stay in the cluster folder. */
  @Override
  public void close() {
    for (String id : jobs.values()) {
      try {
        client.cancel(id);
        client.awaitState(id, "CANCELED", Duration.ofSeconds(60));
      } catch (RuntimeException ignored) {
        // Stopping the cluster ends the job anyway.
      }
    }
    cluster.stop();
  }
}
