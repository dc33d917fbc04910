package dev.flowtel.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Flink 2.3 standalone session cluster: a JobManager and N TaskManagers, each in its own JVM,
 * started the way Flink's own scripts start them, from the jars a Flink distribution's lib/ is made of
 * (the build writes their classpath to {@code flink-cluster.classpath}; flink-dist itself is not on
 * Maven Central). Jobs reach it as users' jobs do, through {@link FlinkJobClient}: the {@code flink run}
 * front end or the REST API. Config, logs, checkpoints and savepoints live in the cluster's directory.
 */
public final class FlinkSessionCluster implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FlinkSessionCluster.class);
  private static final String CLASSPATH_RESOURCE = "/dev/flowtel/localstack/flink-cluster.classpath";
  private static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
  private static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";

  /**
   * The module flags a Flink 2.x distribution gives every JVM it starts ({@code env.java.opts.all} in its
   * config.yaml). Flink's serializers and Kryo reflect into JDK collections and time classes; without
   * {@code java.util} opened, the {@code flink run} front end and the JobManager's {@code /jars/run} fail
   * with ExceptionInInitializerError ("Can not register process function transformation translator").
   */
  public static final List<String> JVM_MODULE_FLAGS = List.of(
      "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
      "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
      "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.text=ALL-UNNAMED",
      "--add-opens=java.base/java.time=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
      // Not Flink's: Pekko and Netty still call sun.misc.Unsafe, and JDK 24+ warns about it (and about
      // native access) on stderr; allowing both is what those libraries need today.
      "--sun-misc-unsafe-memory-access=allow",
      "--enable-native-access=ALL-UNNAMED");

  /**
   * Where and how the cluster runs. {@code restPort} serves the REST API and the web UI;
   * {@code config} overrides or adds Flink options (written to config.yaml as given).
   */
  public record Settings(Path directory, int taskManagers, int slotsPerTaskManager, int restPort, Map<String, String> config) {

    /** Two TaskManagers with two slots each, free ports, fast failure detection. */
    public static Settings in(Path directory) {
      return new Settings(directory, 2, 2, LocalPorts.free(), Map.of());
    }

    public Settings withTaskManagers(int count) {
      return new Settings(directory, count, slotsPerTaskManager, restPort, config);
    }

    public Settings withSlotsPerTaskManager(int slots) {
      return new Settings(directory, taskManagers, slots, restPort, config);
    }

    public Settings withRestPort(int port) {
      return new Settings(directory, taskManagers, slotsPerTaskManager, port, config);
    }

    public Settings withConfig(Map<String, String> more) {
      Map<String, String> merged = new LinkedHashMap<>(config);
      merged.putAll(more);
      return new Settings(directory, taskManagers, slotsPerTaskManager, restPort, Map.copyOf(merged));
    }
  }

  private final Settings settings;
  private final int rpcPort = LocalPorts.free();
  private final String classpath;
  private Process jobManager;
  private final List<Process> taskManagers = new ArrayList<>();
  private int taskManagersStarted;
  private Thread stopAtExit;

  private FlinkSessionCluster(Settings settings, String classpath) {
    this.settings = settings;
    this.classpath = classpath;
  }

  /**
   * Starts the JobManager and the TaskManagers and waits until all of them registered; registers a
   * shutdown hook that stops them.
   */
  public static FlinkSessionCluster start(Settings settings) {
    FlinkSessionCluster cluster = new FlinkSessionCluster(settings, libClasspath());
    cluster.stopAtExit = new Thread(cluster::stop, "stop-flink-cluster");
    Runtime.getRuntime().addShutdownHook(cluster.stopAtExit);
    try {
      cluster.startAll();
    } catch (RuntimeException e) {
      cluster.stop();
      throw e;
    }
    return cluster;
  }

  /** Leaves stopping to the caller (see {@link KafkaBroker#stopOnlyWhenAsked()}). */
  public void stopOnlyWhenAsked() {
    Runtime.getRuntime().removeShutdownHook(stopAtExit);
  }

  public String restAddress() {
    return "http://127.0.0.1:" + settings.restPort();
  }

  public Settings settings() {
    return settings;
  }

  public Path confDir() {
    return settings.directory().resolve("conf");
  }

  public Path logDir() {
    return settings.directory().resolve("log");
  }

  public Path checkpointDir() {
    return settings.directory().resolve("checkpoints");
  }

  public Path savepointDir() {
    return settings.directory().resolve("savepoints");
  }

  /** The classpath of the cluster's lib/; the {@code flink run} front end runs from it too. */
  String classpath() {
    return classpath;
  }

  /** A client that submits and controls jobs on this cluster. */
  public FlinkJobClient client() {
    return new FlinkJobClient(this);
  }

  /** TaskManagers started and still alive, by index (a killed one leaves a gap). */
  public synchronized int liveTaskManagers() {
    return (int) taskManagers.stream().filter(p -> p != null && p.isAlive()).count();
  }

  private void startAll() {
    Instant begin = Instant.now();
    Path dir = settings.directory();
    ChildProcess.fromPidFile(dir.resolve("jobmanager.pid")).ifPresent(stale -> {
      log.warn("stopping a Flink JobManager left running from an earlier run (pid {})", stale.pid());
      ChildProcess.terminate(stale, Duration.ofSeconds(10));
    });
    if (LocalPorts.inUse(settings.restPort())) {
      throw new IllegalStateException("cannot start Flink: port " + settings.restPort() + " on 127.0.0.1 is already in use"
          + " (another Flink cluster or web UI? run ./flowtel down, or stop what listens there)");
    }
    try {
      for (String sub : List.of("conf", "log", "tmp", "checkpoints", "savepoints", "web-upload")) {
        Files.createDirectories(dir.resolve(sub));
      }
      Files.writeString(confDir().resolve("config.yaml"), configYaml());
      Files.writeString(confDir().resolve("log4j.properties"), LOG4J);
      Files.writeString(confDir().resolve("log4j-cli.properties"), LOG4J);
      List<String> jmMemory = memoryParameters("GET_JM_RESOURCE_PARAMS");
      jobManager = launch("jobmanager", JOB_MANAGER_MAIN, jmMemory);
      ChildProcess.writePid(dir.resolve("jobmanager.pid"), jobManager.pid());
      List<String> tmMemory = memoryParameters("GET_TM_RESOURCE_PARAMS");
      synchronized (this) {
        for (int i = 0; i < settings.taskManagers(); i++) {
          startTaskManager(tmMemory);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a Flink cluster in " + dir, e);
    }
    awaitTaskManagers(settings.taskManagers(), Duration.ofMinutes(3));
    log.info("Flink session cluster with {} TaskManagers ready at {} in {} ms (logs in {})", settings.taskManagers(),
        restAddress(), Duration.between(begin, Instant.now()).toMillis(), logDir());
  }

  /** Starts one more TaskManager and waits until the JobManager counts it; returns its index. */
  public int startTaskManager() {
    int index;
    int expected;
    synchronized (this) {
      index = startTaskManager(memoryParameters("GET_TM_RESOURCE_PARAMS"));
      expected = liveTaskManagers();
    }
    awaitTaskManagers(expected, Duration.ofMinutes(2));
    return index;
  }

  private int startTaskManager(List<String> memory) {
    int index = taskManagersStarted++;
    Process process = launch("taskmanager-" + index, TASK_MANAGER_MAIN, memory);
    ChildProcess.writePid(settings.directory().resolve("taskmanager-" + index + ".pid"), process.pid());
    taskManagers.add(process);
    return index;
  }

  /**
   * SIGKILL to TaskManager {@code index}, as a machine failure would: no deregistration, no cleanup.
   * Returns once the process is gone.
   */
  public void killTaskManager(int index) {
    Process process;
    synchronized (this) {
      process = taskManagers.get(index);
    }
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException("TaskManager " + index + " is not running");
    }
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing TaskManager " + index, e);
    }
    log.info("killed TaskManager {} (pid {})", index, process.pid());
  }

  /** Waits until the JobManager counts exactly {@code count} registered TaskManagers. */
  public void awaitTaskManagers(int count, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    FlinkJobClient client = client();
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      if (!jobManager.isAlive()) {
        throw new IllegalStateException("Flink JobManager exited with code " + jobManager.exitValue()
            + " while starting; last log lines:\n" + ChildProcess.tail(logDir().resolve("jobmanager.log"), 40)
            + "\n" + ChildProcess.tail(logDir().resolve("jobmanager.out"), 20));
      }
      try {
        int registered = client.registeredTaskManagers();
        if (registered == count) {
          return;
        }
        last = registered + " registered";
      } catch (RuntimeException notYet) {
        last = notYet.getMessage();
      }
      ChildProcess.sleep(Duration.ofMillis(250));
    }
    throw new IllegalStateException("Flink cluster at " + restAddress() + " did not count " + count
        + " TaskManagers within " + timeout.toSeconds() + " s (" + last + "); logs in " + logDir());
  }

  /** Stops TaskManagers, then the JobManager (SIGTERM, SIGKILL after 20 s). Files stay. */
  public synchronized void stop() {
    for (Process tm : taskManagers) {
      if (tm != null && tm.isAlive() && ChildProcess.terminate(tm.toHandle(), Duration.ofSeconds(20))) {
        log.warn("Flink TaskManager pid {} did not stop within 20 s and was killed", tm.pid());
      }
    }
    if (jobManager != null && jobManager.isAlive() && ChildProcess.terminate(jobManager.toHandle(), Duration.ofSeconds(20))) {
      log.warn("Flink JobManager did not stop within 20 s and was killed");
    }
    jobManager = null;
  }

  @Override
  public void close() {
    stop();
  }

  /** Stops the JobManager and TaskManagers a killed run left behind in {@code directory}; says which. */
  public static List<String> stopLeftovers(Path directory) {
    List<String> stopped = new ArrayList<>();
    try (var files = Files.list(directory)) {
      for (Path pid : files.filter(f -> f.getFileName().toString().endsWith(".pid")).sorted().toList()) {
        String name = pid.getFileName().toString().replace(".pid", "");
        ChildProcess.fromPidFile(pid).ifPresent(p -> {
          boolean killed = ChildProcess.terminate(p, Duration.ofSeconds(20));
          stopped.add("Flink " + name + " (pid " + p.pid() + ")" + (killed ? " killed" : " stopped"));
        });
      }
    } catch (IOException ignored) {
      // No cluster folder: nothing was left behind.
    }
    return stopped;
  }

  private Process launch(String name, String mainClass, List<String> memory) {
    // BashJavaUtils prints JVM flags (-Xmx..., line 1) and the memory settings they imply (-D k=v,
    // line 2), which Flink's scripts pass as program arguments after --configDir.
    List<String> command = new ArrayList<>();
    command.add(ChildProcess.javaExecutable());
    command.addAll(List.of(memory.get(0).trim().split("\\s+")));
    command.addAll(JVM_MODULE_FLAGS);
    command.add("-XX:+UseG1GC");
    command.add("-Djava.io.tmpdir=" + settings.directory().resolve("tmp"));
    command.add("-Dlog.file=" + logDir().resolve(name + ".log"));
    command.add("-Dlog4j.configurationFile=" + confDir().resolve("log4j.properties").toUri());
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.add("--configDir");
    command.add(confDir().toString());
    command.addAll(List.of(memory.get(1).trim().split("\\s+")));
    try {
      return new ProcessBuilder(ChildProcess.inOwnSession(command))
          .redirectErrorStream(true)
          .redirectOutput(logDir().resolve(name + ".out").toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Flink " + name, e);
    }
  }

  private List<String> memoryParameters(String which) {
    List<String> command = List.of(ChildProcess.javaExecutable(), "-Xmx128m", "-cp", classpath,
        "-Dlog4j.configurationFile=" + confDir().resolve("log4j-cli.properties").toUri(),
        "-Dlog.file=" + logDir().resolve("bash-java-utils.log"),
        "org.apache.flink.runtime.util.bash.BashJavaUtils", which, "--configDir", confDir().toString());
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("Flink's BashJavaUtils " + which + " failed:\n" + output);
      }
      List<String> results = output.lines().filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
          .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length())).toList();
      if (results.size() < 2) {
        throw new IllegalStateException("Flink's BashJavaUtils " + which + " printed no memory settings:\n" + output);
      }
      return results.subList(results.size() - 2, results.size());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while computing Flink memory settings", e);
    }
  }

  Map<String, String> configuration() {
    Path dir = settings.directory();
    Map<String, String> c = new LinkedHashMap<>();
    c.put("jobmanager.rpc.address", "localhost");
    c.put("jobmanager.rpc.port", Integer.toString(rpcPort));
    c.put("jobmanager.bind-host", "localhost");
    c.put("taskmanager.bind-host", "localhost");
    c.put("taskmanager.host", "localhost");
    c.put("rest.address", "localhost");
    c.put("rest.bind-address", "localhost");
    c.put("rest.port", Integer.toString(settings.restPort()));
    c.put("jobmanager.memory.process.size", "1024m");
    c.put("taskmanager.memory.process.size", "1280m");
    c.put("taskmanager.memory.managed.fraction", "0.1");
    c.put("taskmanager.numberOfTaskSlots", Integer.toString(settings.slotsPerTaskManager()));
    // Without it the scheduler filled one TaskManager first: both subtasks of a parallelism-2 job landed
    // in one JVM, and the shuffle never crossed a process boundary.
    c.put("taskmanager.load-balance.mode", "SLOTS");
    c.put("parallelism.default", "2");
    // The shaded job jar brings its own Avro, Jackson and kafka-clients, none of which lib/ has.
    c.put("classloader.resolve-order", "child-first");
    c.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
    c.put("execution.checkpointing.savepoint-dir", dir.resolve("savepoints").toUri().toString());
    c.put("web.upload.dir", dir.resolve("web-upload").toString());
    c.put("web.tmpdir", dir.resolve("tmp").toString());
    c.put("io.tmp.dirs", dir.resolve("tmp").toString());
    c.put("blob.storage.directory", dir.resolve("tmp").toString());
    // A TaskManager killed with SIGKILL is noticed by missed heartbeats; Flink's defaults (10 s / 50 s)
    // leave a job waiting most of a minute for slots that no longer exist.
    c.put("heartbeat.interval", "1000");
    c.put("heartbeat.timeout", "8000");
    c.putAll(settings.config());
    return c;
  }

  private String configYaml() {
    StringBuilder yaml = new StringBuilder("# written by Flowtel's local stack; changes are overwritten at the next start\n");
    configuration().forEach((k, v) -> yaml.append(k).append(": '").append(v.replace("'", "''")).append("'\n"));
    return yaml.toString();
  }

  private static final String LOG4J = """
      monitorInterval = 0
      rootLogger.level = INFO
      rootLogger.appenderRef.file.ref = MainAppender
      logger.pekko.name = org.apache.pekko
      logger.pekko.level = WARN
      logger.kafka.name = org.apache.kafka
      logger.kafka.level = WARN
      logger.netty.name = org.apache.flink.shaded.netty4
      logger.netty.level = WARN
      appender.main.name = MainAppender
      appender.main.type = File
      appender.main.append = true
      appender.main.fileName = ${sys:log.file}
      appender.main.layout.type = PatternLayout
      appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
      """;

  private static String libClasspath() {
    try (InputStream in = FlinkSessionCluster.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the Flink cluster classpath resource " + CLASSPATH_RESOURCE
            + " is missing: build the local-stack-flink-lib module with Maven first (./flowtel build)");
      }
      String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      for (String entry : classpath.split(java.io.File.pathSeparator)) {
        if (!Files.exists(Path.of(entry))) {
          throw new IllegalStateException("Flink jar " + entry + " is missing from the local Maven repository;"
              + " rebuild (./flowtel build) to download it again");
        }
      }
      return classpath;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
