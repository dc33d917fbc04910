package dev.flowtel.cli;

import dev.flowtel.core.config.Durations;
import dev.flowtel.core.config.KafkaClientOptions;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.Severity;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.FlowtelTopics;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./flowtel anomalies}: what the detection job found, on flowtel.anomalies.v1. */
@Command(name = "anomalies", mixinStandardHelpOptions = true, description = "Anomalies found by the detection job.",
    subcommands = AnomaliesCommand.Tail.class)
public final class AnomaliesCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code ./flowtel anomalies tail}: one line per anomaly revision, live. */
  @Command(name = "tail", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
      description = {"Prints one line per anomaly (each new revision of it), live, until interrupted.",
          "Reads committed records only, so it shows what the exactly-once job has committed.",
          "Without --bootstrap-servers, it reads the Kafka of the running ./flowtel up (see --state-dir)."})
  static final class Tail implements Callable<Integer> {

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--state-dir", defaultValue = StateDirectory.DEFAULT,
        description = "State folder of ./flowtel up, where it says which servers it runs.")
    Path stateDir;

    @Option(names = "--topic", defaultValue = FlowtelTopics.ANOMALIES, description = "Anomalies topic.")
    String topic;

    @Option(names = "--type", split = ",", description = "Only these types (comma-separated): ${COMPLETION-CANDIDATES}.")
    List<AnomalyType> types;

    @Option(names = "--severity", description = "Only this severity and above: INFO, LOW, MEDIUM, HIGH, CRITICAL.")
    Severity severity;

    @Option(names = "--since",
        description = "Also print anomalies written since then: a duration ago (30m, 2h) or an instant (2025-01-06T10:00:00Z); default: only new ones.")
    String since;

    @Option(names = "--max", defaultValue = "0", description = "Stop after this many lines; 0 runs until interrupted.")
    long max;

    @Option(names = "--idle-timeout", defaultValue = "0", converter = dev.flowtel.core.config.DurationOption.class,
        description = "Stop when nothing arrives for this long; 0 waits forever.")
    Duration idleTimeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Filter filter = new Filter(types == null ? Set.of() : EnumSet.copyOf(types), severity);
      Instant from;
      try {
        from = since == null ? null : parseSince(since, Instant.now());
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      Map<String, Object> client = new HashMap<>(kafka.settings(bootstrap()));
      client.put("group.id", "flowtel-anomalies-tail-" + UUID.randomUUID());
      client.put("enable.auto.commit", "false");
      client.put("isolation.level", "read_committed");
      client.put("auto.offset.reset", "latest");
      WireCodec<PolicyAnomaly> codec = WireCodec.of(RecordType.POLICY_ANOMALY);
      long printed = 0;
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(client, new ByteArrayDeserializer(),
          new ByteArrayDeserializer())) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        if (partitions.isEmpty()) {
          spec.commandLine().getErr().println("topic " + topic + " does not exist (yet): is the detection job running?");
          return 1;
        }
        consumer.assign(partitions);
        if (from == null) {
          consumer.seekToEnd(partitions);
        } else {
          Map<TopicPartition, Long> times = new HashMap<>();
          partitions.forEach(p -> times.put(p, from.toEpochMilli()));
          Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
          for (TopicPartition p : partitions) {
            OffsetAndTimestamp o = offsets.get(p);
            if (o == null) {
              consumer.seekToEnd(List.of(p));
            } else {
              consumer.seek(p, o.offset());
            }
          }
        }
        long lastRecord = System.nanoTime();
        while (max == 0 || printed < max) {
          var records = consumer.poll(Duration.ofMillis(500));
          for (ConsumerRecord<byte[], byte[]> r : records) {
            lastRecord = System.nanoTime();
            DecodeResult<PolicyAnomaly> decoded = r.value() == null ? null : codec.decode(r.value());
            if (decoded == null || !decoded.isDecoded()) {
              continue;
            }
            PolicyAnomaly anomaly = decoded.orElseThrow();
            if (filter.accepts(anomaly)) {
              out.println(line(anomaly));
              out.flush();
              if (++printed == max) {
                break;
              }
            }
          }
          if (!idleTimeout.isZero() && System.nanoTime() - lastRecord > idleTimeout.toNanos()) {
            break;
          }
        }
      }
      return 0;
    }

    /** --bootstrap-servers when given, else the running ./flowtel up's, else the option's default. */
    private String bootstrap() {
      if (spec.commandLine().getParseResult().hasMatchedOption("--bootstrap-servers")) {
        return kafka.bootstrapServers();
      }
      return StateDirectory.endpoints(stateDir).getProperty("bootstrap.servers", kafka.bootstrapServers());
    }
  }

  /** Which anomalies to print: empty types means every type; null severity means every severity. */
  record Filter(Set<AnomalyType> types, Severity minimum) {
    boolean accepts(PolicyAnomaly a) {
      if (!types.isEmpty() && !types.contains(a.getType())) {
        return false;
      }
      return minimum == null || (a.getSeverity() != Severity.UNKNOWN && a.getSeverity().ordinal() >= minimum.ordinal());
    }
  }

  /** {@code 30m} (that long before {@code now}) or an ISO-8601 instant. */
  static Instant parseSince(String text, Instant now) {
    try {
      return Instant.parse(text.trim());
    } catch (DateTimeParseException notAnInstant) {
      try {
        return now.minus(Durations.parse(text));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--since '" + text + "' is neither a duration (30m, 2h) nor an instant (2025-01-06T10:00:00Z)");
      }
    }
  }

  /** One line: last seen, severity, type, revision, summary, id. */
  static String line(PolicyAnomaly a) {
    return String.format(Locale.ROOT, "%s  %-8s %-16s r%-3d %s  [%s]", a.getLastSeen(), a.getSeverity(), a.getType(),
        a.getRevision(), a.getSummary(), a.getId());
  }
}
