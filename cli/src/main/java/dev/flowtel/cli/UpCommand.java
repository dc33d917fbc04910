package dev.flowtel.cli;

import dev.flowtel.core.config.DurationOption;
import dev.flowtel.core.config.Durations;
import dev.flowtel.localstack.LocalStack;
import dev.flowtel.wire.FlowtelTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./flowtel up}: the whole pipeline on this machine, on embedded defaults, until Ctrl-C or {@code --duration}. */
@Command(name = "up", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = {
        "Runs the Flowtel pipeline on this machine until Ctrl-C or --duration.",
        "Starts a Kafka broker (KRaft) and an Elasticsearch server as child processes, with no Docker,",
        "and creates the Flowtel topics. Ctrl-C stops everything; all files live in --state-dir."})
final class UpCommand implements Callable<Integer> {

  @Option(names = "--state-dir", defaultValue = StateDirectory.DEFAULT,
      description = "Folder for all local state: server data, logs, pid files (env FLOWTEL_STATE_DIR).")
  Path stateDir;

  @Option(names = "--kafka-port", defaultValue = "" + LocalStack.Settings.DEFAULT_KAFKA_PORT,
      description = "Port of the local Kafka broker on 127.0.0.1.")
  int kafkaPort;

  @Option(names = "--es-port", defaultValue = "" + LocalStack.Settings.DEFAULT_ELASTICSEARCH_PORT,
      description = "HTTP port of the local Elasticsearch on 127.0.0.1.")
  int elasticsearchPort;

  @Option(names = "--partitions", defaultValue = "2", description = "Partitions of each Flowtel topic it creates.")
  int partitions;

  @Option(names = "--kafka-heap", defaultValue = "1g", description = "Heap of the Kafka broker JVM.")
  String kafkaHeap;

  @Option(names = "--es-heap", defaultValue = "1g", description = "Heap of the Elasticsearch JVM.")
  String elasticsearchHeap;

  @Option(names = "--duration", converter = DurationOption.class,
      description = "Stop by itself after this long (e.g. 90s, 5m) and exit 0; without it, run until Ctrl-C.")
  Optional<Duration> duration;

  @Override
  public Integer call() throws InterruptedException {
    Path state = stateDir.toAbsolutePath().normalize();
    Progress progress = new Progress();
    LocalStack stack = LocalStack.start(new LocalStack.Settings(state, kafkaPort, elasticsearchPort, kafkaHeap, elasticsearchHeap),
        progress::step);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread stopper = new Thread(() -> {
      progress.step("stopping Kafka and Elasticsearch");
      StateDirectory.removeEndpoints(state);
      stack.close();
      progress.step("stopped; data kept in " + state + " (./flowtel down --purge removes it)");
      stopped.countDown();
    }, "flowtel-up-stop");
    Runtime.getRuntime().addShutdownHook(stopper);

    progress.step("creating topics");
    List<NewTopic> topics = FlowtelTopics.layouts().stream()
        .map(t -> new NewTopic(t.name(), t.name().equals(FlowtelTopics.CLUSTER_STATE) ? 1 : partitions, (short) 1).configs(t.config()))
        .toList();
    stack.kafka().createTopics(topics);
    StateDirectory.writeEndpoints(state, stack.kafka().bootstrapServers(), stack.elasticsearch().url());

    System.out.println();
    System.out.println("Flowtel is running locally:");
    System.out.println("  Kafka          " + stack.kafka().bootstrapServers());
    for (NewTopic topic : topics) {
      System.out.printf("    topic        %s (%d partitions%s)%n", topic.name(), topic.numPartitions(),
          "compact".equals(topic.configs().get("cleanup.policy")) ? ", compacted" : "");
    }
    System.out.println("  Elasticsearch  " + stack.elasticsearch().url());
    System.out.println("  State          " + state);
    System.out.println("  Logs           " + stack.kafka().logFile() + "\n                 " + stack.elasticsearch().logFile());
    System.out.println();

    if (duration.isPresent()) {
      progress.step("running for " + Durations.format(duration.get()));
      Thread.sleep(duration.get().toMillis());
      Runtime.getRuntime().removeShutdownHook(stopper);
      stopper.run();
    } else {
      progress.step("press Ctrl-C to stop");
      stopped.await();
      // Let the stopper finish its last line before the JVM halts.
      stopped.await(5, TimeUnit.SECONDS);
    }
    return 0;
  }
}
