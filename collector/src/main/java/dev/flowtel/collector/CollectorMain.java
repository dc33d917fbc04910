package dev.flowtel.collector;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
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
    AtomicBoolean signalled = new AtomicBoolean();
    Thread hook = new Thread(() -> {
      signalled.set(true);
      LOG.info("shutting down: flushing the source and the publisher queue to Kafka or the spool");
      collector.close();
      stopped.countDown();
    }, "flowtel-collector-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int exit = 0;
    try {
      while (!signalled.get() && !collector.awaitSourceEnd(Duration.ofSeconds(1))) {
        // runs until the source ends or a signal starts the shutdown hook
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exit = 1;
    } catch (RuntimeException e) {
      LOG.error("collector failed: {}", e.getMessage(), e);
      exit = 1;
    }
    if (!signalled.get()) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
        LOG.info("source {} ended: {} flows", collector.source().name(), (long) collector.metrics().flows(collector.source().name()));
        collector.close();
        return exit;
      } catch (IllegalStateException shutdownAlreadyStarted) {
        // a signal came in just now: the hook closes the collector
      }
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return exit;
  }
}
