package dev.flowtel.streams.app;

import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;

/**
 * {@code java -jar flowtel-streams.jar [options]}: parses the options, starts the application and
 * runs until the JVM is asked to stop (Ctrl-C, SIGTERM from Kubernetes), when a shutdown hook
 * closes Kafka Streams (committing what it processed) and the HTTP server.
 */
public final class FlowtelStreamsMain {

  private FlowtelStreamsMain() {}

  public static void main(String[] args) throws Exception {
    // The jar carries no log4j2.xml (it would shadow the CLI's when on its classpath): pick ours here.
    if (System.getProperty("log4j2.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", "classpath:flowtel-streams-log4j2.xml");
    }
    StreamsAppConfig config = new StreamsAppConfig();
    CommandLine commandLine = new CommandLine(config);
    try {
      commandLine.parseArgs(args);
      if (commandLine.isUsageHelpRequested()) {
        commandLine.usage(System.out);
        return;
      }
      if (commandLine.isVersionHelpRequested()) {
        commandLine.printVersionHelp(System.out);
        return;
      }
      config.validate();
    } catch (CommandLine.ParameterException | IllegalArgumentException e) {
      System.err.println(e.getMessage());
      commandLine.usage(System.err);
      System.exit(2);
    }
    FlowtelStreamsApp app = FlowtelStreamsApp.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.close();
      stopped.countDown();
    }, "flowtel-streams-shutdown"));
    // A failed application (its stream threads shut it down) ends the process, so a supervisor restarts it.
    while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
      if (app.streams().state() == org.apache.kafka.streams.KafkaStreams.State.ERROR) {
        System.err.println("flowtel-streams: Kafka Streams failed (see the log above); exiting");
        System.exit(1);
      }
    }
  }
}
