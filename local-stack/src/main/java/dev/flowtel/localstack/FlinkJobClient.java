package dev.flowtel.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Submits and controls jobs on a {@link FlinkSessionCluster} the two ways users do: the {@code flink run}
 * front end (flink-clients' CliFrontend in a JVM of its own, with the cluster's conf dir, as the README's
 * deploy lines run it) and the JobManager's REST API (what the web UI and CI scripts use).
 */
public final class FlinkJobClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SUBMITTED = Pattern.compile("JobID ([0-9a-f]{32})");
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final FlinkSessionCluster cluster;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  FlinkJobClient(FlinkSessionCluster cluster) {
    this.cluster = cluster;
  }

  /** How to start a job from the jar: its main class, its arguments, and optionally a savepoint and a parallelism. */
  public record Submission(Path jar, String mainClass, List<String> args, String savepoint, int parallelism) {

    public static Submission of(Path jar, String mainClass, List<String> args) {
      return new Submission(jar, mainClass, List.copyOf(args), null, 0);
    }

    public Submission fromSavepoint(String path) {
      return new Submission(jar, mainClass, args, path, parallelism);
    }

    public Submission withParallelism(int newParallelism) {
      return new Submission(jar, mainClass, args, savepoint, newParallelism);
    }
  }

  /**
   * {@code flink run -d [-p N] [-s SAVEPOINT] -c MAIN JAR ARGS} in a child JVM; returns the job id it
   * printed. Its output goes to {@code log/flink-run-<n>.out} in the cluster directory.
   */
  public String runWithCli(Submission submission) {
    List<String> cli = new ArrayList<>(List.of("run", "-d"));
    if (submission.parallelism() > 0) {
      cli.addAll(List.of("-p", Integer.toString(submission.parallelism())));
    }
    if (submission.savepoint() != null) {
      cli.addAll(List.of("-s", submission.savepoint()));
    }
    cli.addAll(List.of("-c", submission.mainClass(), submission.jar().toString()));
    cli.addAll(submission.args());
    String output = flinkCli(cli);
    Matcher id = SUBMITTED.matcher(output);
    if (!id.find()) {
      throw new IllegalStateException("flink run printed no job id:\n" + tail(output));
    }
    return id.group(1);
  }

  /** {@code flink stop --savepointPath DIR JOBID}; returns the savepoint's path. */
  public String stopWithCli(String jobId, Path savepointDir) {
    String output = flinkCli(List.of("stop", "--savepointPath", savepointDir.toUri().toString(), jobId));
    Matcher path = Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(output);
    if (!path.find()) {
      throw new IllegalStateException("flink stop printed no savepoint path:\n" + tail(output));
    }
    return path.group(1);
  }

  private String flinkCli(List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(ChildProcess.javaExecutable());
    command.add("-Xmx256m");
    command.addAll(FlinkSessionCluster.JVM_MODULE_FLAGS);
    command.add("-Dlog.file=" + cluster.logDir().resolve("flink-cli.log"));
    command.add("-Dlog4j.configurationFile=" + cluster.confDir().resolve("log4j-cli.properties").toUri());
    command.add("-cp");
    command.add(cluster.classpath());
    command.add("org.apache.flink.client.cli.CliFrontend");
    command.addAll(arguments);
    Path out = cluster.logDir().resolve("flink-" + arguments.get(0) + "-" + UUID.randomUUID().toString().substring(0, 8) + ".out");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    builder.environment().put("FLINK_CONF_DIR", cluster.confDir().toString());
    try {
      Process p = builder.start();
      if (!p.waitFor(3, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("flink " + arguments.get(0) + " did not finish within 3 minutes; output in " + out);
      }
      String output = Files.readString(out);
      if (p.exitValue() != 0) {
        throw new IllegalStateException("flink " + String.join(" ", arguments) + " exited with " + p.exitValue() + ":\n" + tail(output));
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running flink " + arguments.get(0), e);
    }
  }

  /** {@code POST /jars/upload}; returns the jar id that {@link #runJar} takes. */
  public String uploadJar(Path jar) {
    String boundary = "flowtel-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try {
      body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName()
          + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      body.write(Files.readAllBytes(jar));
      body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read job jar " + jar, e);
    }
    HttpRequest request = HttpRequest.newBuilder(uri("/jars/upload")).timeout(Duration.ofMinutes(2))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
    JsonNode answer = send(request);
    String filename = answer.path("filename").asText();
    if (!"success".equals(answer.path("status").asText()) || filename.isEmpty()) {
      throw new IllegalStateException("Flink refused the jar " + jar + ": " + answer);
    }
    return Path.of(filename).getFileName().toString();
  }

  /** {@code POST /jars/<id>/run}; returns the job id. */
  public String runJar(String jarId, Submission submission) {
    ObjectNode body = JSON.createObjectNode();
    body.put("entryClass", submission.mainClass());
    body.set("programArgsList", JSON.valueToTree(submission.args()));
    if (submission.savepoint() != null) {
      body.put("savepointPath", submission.savepoint());
    }
    if (submission.parallelism() > 0) {
      body.put("parallelism", submission.parallelism());
    }
    JsonNode answer = post("/jars/" + jarId + "/run", body, Duration.ofMinutes(3));
    String jobId = answer.path("jobid").asText();
    if (jobId.isEmpty()) {
      throw new IllegalStateException("Flink did not run jar " + jarId + ": " + answer);
    }
    return jobId;
  }

  /** Uploads the jar and runs it: the REST API's way of {@code flink run}. */
  public String runWithRest(Submission submission) {
    return runJar(uploadJar(submission.jar()), submission);
  }

  /**
   * {@code POST /jobs/<id>/stop} with a savepoint into {@code targetDirectory} (no drain: windows still
   * open stay in the savepoint), then polls the operation; returns the savepoint's path.
   */
  public String stopWithSavepoint(String jobId, Path targetDirectory, Duration timeout) {
    ObjectNode body = JSON.createObjectNode();
    body.put("targetDirectory", targetDirectory.toUri().toString());
    body.put("drain", false);
    String trigger = post("/jobs/" + jobId + "/stop", body, CALL_TIMEOUT).path("request-id").asText();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
      if ("COMPLETED".equals(status.path("status").path("id").asText())) {
        JsonNode operation = status.path("operation");
        if (operation.has("failure-cause")) {
          throw new IllegalStateException("stop-with-savepoint of job " + jobId + " failed: " + operation.path("failure-cause"));
        }
        return operation.path("location").asText();
      }
      ChildProcess.sleep(Duration.ofMillis(200));
    }
    throw new IllegalStateException("stop-with-savepoint of job " + jobId + " did not complete within " + timeout.toSeconds() + " s");
  }

  /** {@code PATCH /jobs/<id>?mode=cancel}. */
  public void cancel(String jobId) {
    HttpRequest request = HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel")).timeout(CALL_TIMEOUT)
        .method("PATCH", HttpRequest.BodyPublishers.noBody()).build();
    send(request);
  }

  /** The job's state as the JobManager reports it: CREATED, RUNNING, RESTARTING, FINISHED, FAILED, ... */
  public String jobState(String jobId) {
    return get("/jobs/" + jobId).path("state").asText();
  }

  /** Ids of the jobs that are not in a terminal state. */
  public List<String> activeJobs() {
    List<String> active = new ArrayList<>();
    for (JsonNode job : get("/jobs").path("jobs")) {
      String status = job.path("status").asText();
      if (!List.of("FINISHED", "FAILED", "CANCELED").contains(status)) {
        active.add(job.path("id").asText());
      }
    }
    return active;
  }

  /**
   * Waits until the job is RUNNING with every task RUNNING (a RUNNING job may still be deploying its
   * tasks). Fails early when the job ends.
   */
  public void awaitRunning(String jobId, Duration timeout) {
    awaitJob(jobId, "all tasks RUNNING", job -> {
      String state = job.path("state").asText();
      if (List.of("FAILED", "CANCELED", "FINISHED").contains(state)) {
        throw new IllegalStateException("job " + jobId + " is " + state + " (exceptions: " + exceptions(jobId) + ")");
      }
      if (!"RUNNING".equals(state)) {
        return false;
      }
      for (JsonNode vertex : job.path("vertices")) {
        if (!"RUNNING".equals(vertex.path("status").asText())) {
          return false;
        }
      }
      return true;
    }, timeout);
  }

  /** Waits until the job reaches {@code state}. */
  public void awaitState(String jobId, String state, Duration timeout) {
    awaitJob(jobId, state, job -> state.equals(job.path("state").asText()), timeout);
  }

  private void awaitJob(String jobId, String what, Predicate<JsonNode> reached, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    String last = "?";
    while (Instant.now().isBefore(deadline)) {
      JsonNode job = get("/jobs/" + jobId);
      if (reached.test(job)) {
        return;
      }
      last = job.path("state").asText();
      ChildProcess.sleep(Duration.ofMillis(200));
    }
    throw new IllegalStateException("job " + jobId + " not " + what + " within " + timeout.toSeconds() + " s (state " + last + ")");
  }

  /** What {@code /jobs/<id>/checkpoints} says: completed count, and the checkpoint the job last restored, if any. */
  public record Checkpoints(long completed, Optional<Long> restoredId, Optional<Long> latestCompletedId) {}

  public Checkpoints checkpoints(String jobId) {
    JsonNode node = get("/jobs/" + jobId + "/checkpoints");
    JsonNode restored = node.path("latest").path("restored");
    JsonNode completed = node.path("latest").path("completed");
    return new Checkpoints(node.path("counts").path("completed").asLong(),
        restored.isObject() ? Optional.of(restored.path("id").asLong()) : Optional.empty(),
        completed.isObject() ? Optional.of(completed.path("id").asLong()) : Optional.empty());
  }

  /**
   * One checkpoint in {@code /jobs/<id>/checkpoints}' history: its status, the size of its state
   * (full, not incremental) and the time from its trigger to its last acknowledgement.
   */
  public record CheckpointRecord(long id, String status, boolean savepoint, long stateSizeBytes, long endToEndMillis) {}

  /** The checkpoints the JobManager remembers of the job (its history, 10 by default), oldest first; also after it ended. */
  public List<CheckpointRecord> checkpointHistory(String jobId) {
    List<CheckpointRecord> history = new ArrayList<>();
    for (JsonNode checkpoint : get("/jobs/" + jobId + "/checkpoints").path("history")) {
      history.add(new CheckpointRecord(checkpoint.path("id").asLong(), checkpoint.path("status").asText(),
          checkpoint.path("is_savepoint").asBoolean(), checkpoint.path("state_size").asLong(),
          checkpoint.path("end_to_end_duration").asLong()));
    }
    history.sort(Comparator.comparingLong(CheckpointRecord::id));
    return history;
  }

  /**
   * How long each vertex of the job ran, by name, in milliseconds ({@code GET /jobs/<id>}: from the
   * first subtask's start to the last one's end).
   */
  public Map<String, Long> vertexDurations(String jobId) {
    Map<String, Long> durations = new LinkedHashMap<>();
    for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
      durations.put(vertex.path("name").asText(), vertex.path("duration").asLong());
    }
    return durations;
  }

  /** Waits until the job has completed more than {@code count} checkpoints; returns the new count. */
  public long awaitCompletedCheckpointsAbove(String jobId, long count, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      long completed = checkpoints(jobId).completed();
      if (completed > count) {
        return completed;
      }
      ChildProcess.sleep(Duration.ofMillis(200));
    }
    throw new IllegalStateException("job " + jobId + " completed no checkpoint beyond " + count + " within "
        + timeout.toSeconds() + " s (state " + jobState(jobId) + ")");
  }

  /** The root exceptions of the job's failures so far, newest first (for error messages). */
  public String exceptions(String jobId) {
    try {
      JsonNode history = get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries");
      List<String> names = new ArrayList<>();
      for (JsonNode entry : history) {
        names.add(entry.path("exceptionName").asText() + ": " + entry.path("stacktrace").asText().lines().findFirst().orElse(""));
      }
      return names.toString();
    } catch (RuntimeException e) {
      return "(unavailable: " + e.getMessage() + ")";
    }
  }

  /** How many TaskManagers the JobManager counts as registered ({@code GET /overview}). */
  public int registeredTaskManagers() {
    return get("/overview").path("taskmanagers").asInt();
  }

  /** Free task slots across the cluster ({@code GET /overview}). */
  public int availableSlots() {
    return get("/overview").path("slots-available").asInt();
  }

  private JsonNode get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).timeout(CALL_TIMEOUT).GET().build());
  }

  private JsonNode post(String path, JsonNode body, Duration timeout) {
    return send(HttpRequest.newBuilder(uri(path)).timeout(timeout).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
  }

  private JsonNode send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException("Flink REST " + request.method() + " " + request.uri().getPath() + " answered "
            + response.statusCode() + ": " + tail(response.body()));
      }
      return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("Flink REST " + request.method() + " " + request.uri() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calling Flink REST", e);
    }
  }

  private URI uri(String path) {
    return URI.create(cluster.restAddress() + path);
  }

  private static String tail(String text) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }
}
