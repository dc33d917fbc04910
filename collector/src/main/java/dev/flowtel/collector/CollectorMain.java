package dev.flowtel.collector;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * {@code java -jar flowtel-collector.jar [options]}: runs the collector until the source ends
 * (a Hubble file, --synthetic-max-flows) or until SIGTERM/SIGINT, then shuts down gracefully:
 * the source flushes, queued flows are sent or spooled, the spool is synced.
 */
public final class CollectorMain {

  private static final Logger LOG = LoggerFactory.getLogger(CollectorMain.class);

  private CollectorMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs with {@code args}; the exit code: 0 done, 1 failed, 2 bad options. */
  public static int run(String... args) {
    CommandLine commandLine = new CommandLine(new CollectorConfig());
    CollectorConfig config;
    try {
      CommandLine.ParseResult parsed = commandLine.parseArgs(args);
      if (CommandLine.printHelpIfRequested(parsed)) {
        return 0;
      }
      config = commandLine.getCommand();
      config.sourceSpec();
    } catch (CommandLine.ParameterException e) {
      System.err.println(e.getMessage());
      e.getCommandLine().usage(System.err);
      return 2;
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    Collector collector;
    try {
      collector = Collector.start(config);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    } catch (Exception e) {
      LOG.error("collector failed to start: {}", e.getMessage(), e);
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      LOG.info("shutting down: flushing the source and the publisher queue to Kafka or the spool");
      collector.close();
      stopped.countDown();
    }, "flowtel-collector-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      while (!collector.awaitSourceEnd(Duration.ofSeconds(1))) {
        // runs until the source ends or a signal starts the shutdown hook
      }
      LOG.info("source {} ended: {} flows", collector.source().name(), (long) collector.metrics().flows(collector.source().name()));
      Runtime.getRuntime().removeShutdownHook(hook);
      collector.close();
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (RuntimeException e) {
      LOG.error("collector failed: {}", e.getMessage(), e);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException alreadyShuttingDown) {
        return 1;
      }
      collector.close();
      return 1;
    }
  }
}
