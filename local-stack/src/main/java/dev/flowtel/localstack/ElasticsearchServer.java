package dev.flowtel.localstack;

import java.io.IOException;
import java.io.InputStream;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Elasticsearch server from the Maven Central integ-test-zip distribution, in
 * its own process. Elasticsearch refuses to run as root, so when this JVM is root the server runs
 * as the system user {@value #SERVICE_USER}, created if missing. Data survives {@link #stop()} and
 * {@link #start()}.
 */
public final class ElasticsearchServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ElasticsearchServer.class);
  public static final String SERVICE_USER = "flowtel-es";
  private static final String ZIP_PATH_RESOURCE = "/dev/flowtel/localstack/elasticsearch.zip.path";
  /** A starting node that logs nothing for this long is hung, however busy the machine. */
  private static final Duration START_SILENCE_LIMIT = Duration.ofSeconds(120);
  /** The longest a cold start may take while still logging progress. */
  private static final Duration START_LIMIT = Duration.ofMinutes(10);

  /** Where and how the server runs; {@code directory} holds its config, data and logs. */
  public record Settings(Path directory, int httpPort, String heap) {

    public static Settings in(Path directory) {
      return new Settings(directory, LocalPorts.free(), "512m");
    }

    public Settings withHttpPort(int port) {
      return new Settings(directory, port, heap);
    }

    public Settings withHeap(String newHeap) {
      return new Settings(directory, httpPort, newHeap);
    }
  }

  private final Settings settings;
  private final Path home;
  private final Path runDir;
  private final boolean asServiceUser;
  private ProcessHandle process;
  private Thread stopAtExit;

  private ElasticsearchServer(Settings settings) {
    this.settings = settings;
    this.home = ElasticsearchDistribution.unpacked(zipPath());
    this.asServiceUser = isRoot();
    this.runDir = asServiceUser ? ServiceUser.usableDirectory(SERVICE_USER, settings.directory()) : settings.directory();
  }

  /** Starts a server and waits for a yellow cluster; registers a shutdown hook that stops it. */
  public static ElasticsearchServer start(Settings settings) {
    ElasticsearchServer server = new ElasticsearchServer(settings);
    server.start();
    server.stopAtExit = new Thread(server::stop, "stop-elasticsearch");
    Runtime.getRuntime().addShutdownHook(server.stopAtExit);
    return server;
  }

  /**
   * Leaves stopping to the caller, who stops the server itself when the JVM exits: the shutdown
   * hook {@link #start} registers would stop it at the same moment as the caller's own, while that
   * one may still need it (up reads its summary from the servers, then stops the jobs, then them).
   */
  public void stopOnlyWhenAsked() {
    Runtime.getRuntime().removeShutdownHook(stopAtExit);
  }

  public String url() {
    return "http://127.0.0.1:" + settings.httpPort();
  }

  public Settings settings() {
    return settings;
  }

  public Path logFile() {
    return runDir.resolve("logs/flowtel-local.log");
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  public synchronized void start() {
    if (isRunning()) {
      return;
    }
    Instant begin = Instant.now();
    Path pidFile = runDir.resolve("elasticsearch.pid");
    ChildProcess.fromPidFile(pidFile).ifPresent(stale -> {
      log.warn("stopping an Elasticsearch server left running from an earlier run (pid {})", stale.pid());
      ChildProcess.terminate(stale, Duration.ofSeconds(20));
    });
    if (LocalPorts.inUse(settings.httpPort())) {
      throw new IllegalStateException("cannot start Elasticsearch: port " + settings.httpPort()
          + " on 127.0.0.1 is already in use (another server? run ./flowtel down, or choose another port)");
    }
    try {
      Path config = prepareConfig();
      for (String sub : List.of("data", "logs", "tmp")) {
        Files.createDirectories(runDir.resolve(sub));
      }
      Files.deleteIfExists(pidFile);
      if (asServiceUser) {
        ServiceUser.giveTree(SERVICE_USER, runDir);
      }
      List<String> command = new ArrayList<>();
      if (asServiceUser) {
        command.addAll(List.of("runuser", "-u", SERVICE_USER, "--"));
      }
      command.addAll(List.of("env",
          "ES_PATH_CONF=" + config,
          "ES_JAVA_HOME=" + ElasticsearchDistribution.javaHome(),
          "ES_JAVA_OPTS=-Xms" + settings.heap() + " -Xmx" + settings.heap(),
          // Without it Elasticsearch's CLI leaves its temporary files in /tmp.
          "CLI_JAVA_OPTS=-Djava.io.tmpdir=" + runDir.resolve("tmp"),
          "ES_TMPDIR=" + runDir.resolve("tmp"),
          home.resolve("bin/elasticsearch").toString(), "-d", "-p", pidFile.toString()));
      Path startLog = runDir.resolve("logs/start.log");
      Process launcher = new ProcessBuilder(ChildProcess.inOwnSession(command)).redirectErrorStream(true)
          .redirectOutput(startLog.toFile()).start();
      // With -d the launcher returns once the node has started (or failed to).
      awaitLauncher(launcher, startLog);
      if (launcher.exitValue() != 0) {
        throw new IllegalStateException("Elasticsearch failed to start (exit " + launcher.exitValue() + "):\n"
            + ChildProcess.tail(startLog, 30) + "\n" + ChildProcess.tail(logFile(), 30));
      }
      process = awaitPid(pidFile);
      // The run folder may be a fallback elsewhere; ./flowtel down looks in the settings' folder.
      ChildProcess.writePid(settings.directory().resolve("elasticsearch.pid"), process.pid());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Elasticsearch in " + runDir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting Elasticsearch", e);
    }
    awaitYellow(Duration.ofSeconds(90));
    log.info("Elasticsearch ready at {} in {} ms (data in {})", url(), Duration.between(begin, Instant.now()).toMillis(), runDir);
  }

  /** Stops the server (SIGTERM, SIGKILL after 30 s); data stays for a later {@link #start()}. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    if (process.isAlive() && ChildProcess.terminate(process, Duration.ofSeconds(30))) {
      log.warn("Elasticsearch did not stop within 30 s and was killed");
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
  }

  private Path prepareConfig() throws IOException {
    Path config = runDir.resolve("config");
    Files.createDirectories(config);
    try (Stream<Path> files = Files.list(home.resolve("config"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.copy(file, config.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.writeString(config.resolve("elasticsearch.yml"), """
        # Written by Flowtel's local stack; overwritten at every start.
        cluster.name: flowtel-local
        node.name: flowtel-local
        discovery.type: single-node
        network.host: 127.0.0.1
        http.port: %d
        path.data: %s
        path.logs: %s
        xpack.security.enabled: false
        # A developer machine's disk is often fuller than a server's; do not go read-only at 95%%.
        cluster.routing.allocation.disk.threshold_enabled: false
        action.destructive_requires_name: false
        """.formatted(settings.httpPort(), runDir.resolve("data"), runDir.resolve("logs")));
    String jvmOptions = Files.exists(config.resolve("jvm.options")) ? Files.readString(config.resolve("jvm.options")) : "";
    if (!jvmOptions.contains("flowtel")) {
      Files.createDirectories(config.resolve("jvm.options.d"));
      // No heap dumps into the data directory of a throwaway server.
      Files.writeString(config.resolve("jvm.options.d/flowtel.options"), "-XX:-HeapDumpOnOutOfMemoryError\n");
    }
    return config;
  }

  private ProcessHandle awaitPid(Path pidFile) {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      Optional<ProcessHandle> handle = ChildProcess.fromPidFile(pidFile);
      if (handle.isPresent()) {
        return handle.get();
      }
      ChildProcess.sleep(Duration.ofMillis(100));
    }
    throw new IllegalStateException("Elasticsearch started but wrote no pid file " + pidFile + ":\n" + ChildProcess.tail(logFile(), 30));
  }

  /**
   * Waits for the launcher for as long as the node keeps logging: on a busy machine (a build beside
   * it) a cold start has taken over 2 min of steady progress, so a fixed limit fails healthy starts.
   * A node that writes nothing for {@link #START_SILENCE_LIMIT}, or runs past {@link #START_LIMIT}, is hung.
   */
  private void awaitLauncher(Process launcher, Path startLog) throws InterruptedException {
    Instant begin = Instant.now();
    Instant lastProgress = begin;
    long lastSize = -1;
    while (!launcher.waitFor(1, TimeUnit.SECONDS)) {
      long size = logSize(startLog) + logSize(logFile());
      Instant now = Instant.now();
      if (size != lastSize) {
        lastSize = size;
        lastProgress = now;
      }
      String why = Duration.between(lastProgress, now).compareTo(START_SILENCE_LIMIT) > 0
          ? "wrote nothing for " + START_SILENCE_LIMIT.toSeconds() + " s"
          : Duration.between(begin, now).compareTo(START_LIMIT) > 0 ? "did not start within " + START_LIMIT.toSeconds() + " s" : null;
      if (why != null) {
        launcher.destroyForcibly();
        throw new IllegalStateException("Elasticsearch " + why + " while starting:\n" + ChildProcess.tail(startLog, 30));
      }
    }
  }

  private static long logSize(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private void awaitYellow(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(timeout);
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Elasticsearch exited while starting; last log lines:\n" + ChildProcess.tail(logFile(), 40));
      }
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create(url() + "/_cluster/health?wait_for_status=yellow&timeout=2s"))
            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        last = response.statusCode() + " " + response.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Elasticsearch", e);
      }
      ChildProcess.sleep(Duration.ofMillis(250));
    }
    throw new IllegalStateException("Elasticsearch not yellow within " + timeout.toSeconds() + " s (" + last + "); last log lines:\n"
        + ChildProcess.tail(logFile(), 40));
  }

  private static Path zipPath() {
    try (InputStream in = ElasticsearchServer.class.getResourceAsStream(ZIP_PATH_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + ZIP_PATH_RESOURCE + " is missing: build the local-stack module with Maven first");
      }
      Path zip = Path.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
      if (!Files.isRegularFile(zip)) {
        throw new IllegalStateException("Elasticsearch distribution " + zip + " is missing from the local Maven repository;"
            + " rebuild (./flowtel rebuilds on its next run) to download it again");
      }
      return zip;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
