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
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) in its own JVM, from the
 * Kafka jars of this build. Data survives {@link #stop()} and {@link #start()}, so tests can take
 * the broker away and bring it back on the same port.
 */
public final class KafkaBroker implements LocalKafka, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
  private static final String CLASSPATH_RESOURCE = "/dev/flowtel/localstack/broker.classpath";

  /**
   * Where and how the broker runs. {@code saslSsl} adds a SASL_SSL listener (PLAIN) next to the
   * plaintext one; {@code overrides} are extra server properties. {@code clusterId} is the id its
   * storage is formatted with: null for a new random one (a single node), the same for every node
   * of a {@link KafkaCluster}, whose nodes refuse each other otherwise.
   */
  public record Settings(Path directory, int port, int controllerPort, SaslSslListener saslSsl,
      Map<String, String> overrides, String heap, String clusterId) {

    /** A single node's settings, formatted with a cluster id of its own. */
    public Settings(Path directory, int port, int controllerPort, SaslSslListener saslSsl,
        Map<String, String> overrides, String heap) {
      this(directory, port, controllerPort, saslSsl, overrides, heap, null);
    }

    public static Settings in(Path directory) {
      return new Settings(directory, LocalPorts.free(), LocalPorts.free(), null, Map.of(), "512m");
    }

    public Settings withPort(int newPort) {
      return new Settings(directory, newPort, controllerPort, saslSsl, overrides, heap, clusterId);
    }

    public Settings withSaslSsl(SaslSslListener listener) {
      return new Settings(directory, port, controllerPort, listener, overrides, heap, clusterId);
    }

    public Settings withOverrides(Map<String, String> more) {
      Map<String, String> merged = new LinkedHashMap<>(overrides);
      merged.putAll(more);
      return new Settings(directory, port, controllerPort, saslSsl, Map.copyOf(merged), heap, clusterId);
    }

    public Settings withHeap(String newHeap) {
      return new Settings(directory, port, controllerPort, saslSsl, overrides, newHeap, clusterId);
    }

    public Settings withClusterId(String id) {
      return new Settings(directory, port, controllerPort, saslSsl, overrides, heap, id);
    }
  }

  /** A SASL_SSL listener with PLAIN users; the keystore holds the broker's key and a certificate for 127.0.0.1/localhost. */
  public record SaslSslListener(int port, Path keystore, String keystorePassword, Map<String, String> users) {}

  private final Settings settings;
  private Process process;
  private Thread stopAtExit;

  private KafkaBroker(Settings settings) {
    this.settings = settings;
  }

  /** Starts a broker and waits until it answers; registers a shutdown hook that stops it. */
  public static KafkaBroker start(Settings settings) {
    KafkaBroker broker = new KafkaBroker(settings);
    broker.start();
    broker.stopAtExit = new Thread(broker::stop, "stop-kafka-broker");
    Runtime.getRuntime().addShutdownHook(broker.stopAtExit);
    return broker;
  }

  /** A broker not started yet, with no shutdown hook: its {@link KafkaCluster} starts and stops it. */
  static KafkaBroker create(Settings settings) {
    return new KafkaBroker(settings);
  }

  /**
   * Leaves stopping to the caller, who stops the server itself when the JVM exits: the shutdown
   * hook {@link #start} registers would stop it at the same moment as the caller's own, while that
   * one may still need it (up reads its summary from the servers, then stops the jobs, then them).
   */
  @Override
  public void stopOnlyWhenAsked() {
    Runtime.getRuntime().removeShutdownHook(stopAtExit);
  }

  @Override
  public String bootstrapServers() {
    return "127.0.0.1:" + settings.port();
  }

  /** One broker: one replica of everything. */
  @Override
  public short replicationFactor() {
    return 1;
  }

  @Override
  public List<Path> logFiles() {
    return List.of(logFile());
  }

  public Settings settings() {
    return settings;
  }

  public Path logFile() {
    return settings.directory().resolve("logs/server.log");
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Starts (or restarts, keeping its data) the broker process and waits until it serves metadata. */
  public synchronized void start() {
    startProcess(Duration.ofSeconds(90));
  }

  /**
   * Starts the process without waiting for it to serve: a node of a three-voter quorum cannot
   * serve metadata before a second voter runs, so {@link KafkaCluster} starts all of them first.
   */
  synchronized void launch() {
    startProcess(null);
  }

  private void startProcess(Duration readyWithin) {
    if (isRunning()) {
      return;
    }
    Instant begin = Instant.now();
    Path dir = settings.directory();
    Path pidFile = dir.resolve("kafka.pid");
    ChildProcess.fromPidFile(pidFile).ifPresent(stale -> {
      log.warn("stopping a Kafka broker left running from an earlier run (pid {})", stale.pid());
      ChildProcess.terminate(stale, Duration.ofSeconds(10));
    });
    for (int port : List.of(settings.port(), settings.controllerPort())) {
      if (LocalPorts.inUse(port)) {
        throw new IllegalStateException("cannot start Kafka: port " + port + " on 127.0.0.1 is already in use"
            + " (another broker? run ./flowtel down, or choose another port)");
      }
    }
    try {
      Files.createDirectories(dir.resolve("logs"));
      Path config = dir.resolve("server.properties");
      writeProperties(config, serverProperties());
      Path log4j = dir.resolve("log4j2.xml");
      Files.writeString(log4j, log4jConfig(dir.resolve("logs")));
      String classpath = brokerClasspath();
      if (!Files.exists(dir.resolve("data/meta.properties"))) {
        runToCompletion(List.of(ChildProcess.javaExecutable(), "-Xmx256m", "-cp", classpath,
            "-Dlog4j2.configurationFile=" + log4j.toUri(), "kafka.tools.StorageTool", "format",
            "-t", settings.clusterId() != null ? settings.clusterId() : Uuid.randomUuid().toString(), "-c", config.toString()), dir.resolve("logs/format.log"));
      }
      List<String> command = new ArrayList<>(List.of(ChildProcess.javaExecutable(),
          "-Xms" + settings.heap(), "-Xmx" + settings.heap(), "-XX:+UseG1GC",
          "-Djava.awt.headless=true", "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")),
          "-Dlog4j2.configurationFile=" + log4j.toUri(), "-cp", classpath, "kafka.Kafka", config.toString()));
      // setsid(1) execs without forking here (a child is never a process-group leader): the pid stays the broker's.
      process = new ProcessBuilder(ChildProcess.inOwnSession(command))
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("logs/stdout.log").toFile())
          .start();
      ChildProcess.writePid(pidFile, process.pid());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Kafka broker in " + dir, e);
    }
    if (readyWithin == null) {
      return;
    }
    awaitReady(readyWithin);
    log.info("Kafka broker ready at {} in {} ms (data in {})", bootstrapServers(),
        Duration.between(begin, Instant.now()).toMillis(), dir);
  }

  /** Stops the broker process (SIGTERM, SIGKILL after 20 s); data stays for a later {@link #start()}. */
  @Override
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    if (process.isAlive() && ChildProcess.terminate(process.toHandle(), Duration.ofSeconds(20))) {
      log.warn("Kafka broker did not stop within 20 s and was killed");
    }
    process = null;
  }

  /**
   * SIGKILL, as the OOM killer or a node failure stops a broker: no controlled shutdown, so its
   * partitions' leadership is not handed over and the others learn of it only when its session
   * with the controller expires. What it wrote stays in the page cache (the machine does not
   * crash), and its data stays for {@link #start()}. Returns once the process is gone.
   */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("Kafka broker pid " + process.pid() + " survived SIGKILL for 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing a Kafka broker", e);
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
  }

  public Set<String> topicNames() {
    try (Admin admin = admin()) {
      return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot list topics at " + bootstrapServers() + ": " + e.getMessage(), e);
    }
  }

  void awaitReady(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Kafka broker exited with code " + process.exitValue() + " while starting; last log lines:\n"
            + ChildProcess.tail(settings.directory().resolve("logs/stdout.log"), 40));
      }
      if (LocalPorts.inUse(settings.port())) {
        try (Admin admin = admin()) {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception notYet) {
          // The listener opens before metadata is served; try again.
        }
      }
      ChildProcess.sleep(Duration.ofMillis(200));
    }
    throw new IllegalStateException("Kafka broker not ready within " + timeout.toSeconds() + " s; last log lines:\n"
        + ChildProcess.tail(logFile(), 40));
  }

  Map<String, String> serverProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    String listeners = "PLAINTEXT://127.0.0.1:" + settings.port() + ",CONTROLLER://127.0.0.1:" + settings.controllerPort();
    String advertised = "PLAINTEXT://127.0.0.1:" + settings.port();
    String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
    SaslSslListener sasl = settings.saslSsl();
    if (sasl != null) {
      listeners += ",SASL_SSL://127.0.0.1:" + sasl.port();
      advertised += ",SASL_SSL://127.0.0.1:" + sasl.port();
      protocols += ",SASL_SSL:SASL_SSL";
      p.put("sasl.enabled.mechanisms", "PLAIN");
      p.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", "PLAIN");
      String users = sasl.users().entrySet().stream()
          .map(u -> "user_" + u.getKey() + "=\"" + u.getValue() + "\"")
          .collect(Collectors.joining(" "));
      p.put("listener.name.sasl_ssl.plain.sasl.jaas.config",
          "org.apache.kafka.common.security.plain.PlainLoginModule required " + users + ";");
      p.put("listener.name.sasl_ssl.ssl.keystore.location", sasl.keystore().toString());
      p.put("listener.name.sasl_ssl.ssl.keystore.password", sasl.keystorePassword());
      p.put("listener.name.sasl_ssl.ssl.key.password", sasl.keystorePassword());
      p.put("listener.name.sasl_ssl.ssl.keystore.type", "PKCS12");
    }
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + settings.controllerPort());
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listeners", listeners);
    p.put("advertised.listeners", advertised);
    p.put("listener.security.protocol.map", protocols);
    p.put("log.dirs", settings.directory().resolve("data").toString());
    p.put("num.partitions", "2");
    // One node: every internal topic must live with replication factor 1.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "true");
    p.putAll(settings.overrides());
    return p;
  }

  private static void writeProperties(Path file, Map<String, String> values) throws IOException {
    Properties properties = new Properties();
    properties.putAll(values);
    try (var out = Files.newBufferedWriter(file)) {
      properties.store(out, "written by Flowtel's local stack; changes are overwritten at the next start");
    }
  }

  private static String log4jConfig(Path logDir) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <Configuration status="WARN">
          <Appenders>
            <File name="file" fileName="%s/server.log"><PatternLayout pattern="[%%d] %%p %%m (%%c)%%n"/></File>
          </Appenders>
          <Loggers>
            <Logger name="kafka" level="INFO"/>
            <Logger name="org.apache.kafka" level="INFO"/>
            <Logger name="state.change.logger" level="WARN"/>
            <Logger name="kafka.request.logger" level="WARN"/>
            <Root level="WARN"><AppenderRef ref="file"/></Root>
          </Loggers>
        </Configuration>
        """.formatted(logDir);
  }

  private static void runToCompletion(List<String> command, Path logFile) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("formatting Kafka storage failed:\n" + ChildProcess.tail(logFile, 30));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while formatting Kafka storage", e);
    }
  }

  private static String brokerClasspath() throws IOException {
    try (InputStream in = KafkaBroker.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the broker classpath resource " + CLASSPATH_RESOURCE
            + " is missing: build the local-stack module with Maven first");
      }
      String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      for (String entry : classpath.split(java.io.File.pathSeparator)) {
        if (!Files.exists(Path.of(entry))) {
          throw new IllegalStateException("Kafka broker jar " + entry + " is missing from the local Maven repository;"
              + " rebuild (./flowtel rebuilds on its next run) to download it again");
        }
      }
      return classpath;
    }
  }
}
