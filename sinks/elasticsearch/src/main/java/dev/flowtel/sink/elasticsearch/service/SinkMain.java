package dev.flowtel.sink.elasticsearch.service;

import dev.flowtel.sink.elasticsearch.metrics.SinkMetricsServer;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;

/** Runs the standalone Elasticsearch sink until SIGTERM or Ctrl-C; options in {@link SinkConfig}. */
public final class SinkMain {

  private SinkMain() {}

  public static void main(String[] args) {
    CommandLine commandLine = new CommandLine(new SinkConfig());
    commandLine.setExecutionStrategy(parsed -> {
      if (CommandLine.printHelpIfRequested(parsed)) {
        return 0;
      }
      try {
        return run(commandLine.getCommand());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 1;
      }
    });
    System.exit(commandLine.execute(args));
  }

  /** Indexes until the JVM shuts down; returns the exit code. */
  public static int run(SinkConfig config) throws InterruptedException {
    SinkServiceSettings settings = config.settings();
    SinkService sink = new SinkService(settings);
    SinkMetricsServer metrics = config.metricsPort() < 0 ? null
        : SinkMetricsServer.start(config.metricsPort(), sink.latency(), sink::writerStats);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sink.stop();
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "flowtel-sink-stop"));
    System.out.println("Indexing " + String.join(", ", sink.topics()) + " into " + settings.elasticsearch().describe()
        + (metrics == null ? "" : "; metrics on http://0.0.0.0:" + metrics.port() + "/metrics") + "; Ctrl-C stops.");
    try {
      sink.run();
    } finally {
      sink.close();
      if (metrics != null) {
        metrics.close();
      }
      System.out.println("Stopped: " + sink.writerStats());
      closed.countDown();
    }
    return 0;
  }
}
