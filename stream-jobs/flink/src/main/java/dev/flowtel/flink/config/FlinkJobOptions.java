package dev.flowtel.flink.config;

import dev.flowtel.core.config.DurationOption;
import dev.flowtel.core.config.Durations;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every Flowtel Flink job takes (a picocli mixin): where it starts reading, how it
 * checkpoints, delivers and restarts, and how wide it runs. Each job's config adds its own topics,
 * consumer group and analytics options.
 */
public final class FlinkJobOptions implements Serializable {

  private static final long serialVersionUID = 1L;

  @Option(names = "--starting-offsets", defaultValue = "committed",
      description = "Where to start reading flows: committed (falling back to earliest), earliest or latest.")
  String startingOffsets;

  @Option(names = "--bounded", description = "Stop at the end offsets present at start (benchmarks, replays, tests).")
  boolean bounded;

  // No defaultValue: picocli takes the field's initial value, the job's own interval, as the default
  // (and shows it). Read as text so the help shows "2s", not Duration's "PT2S".
  @Option(names = "--checkpoint-interval",
      description = "Checkpoint interval; output becomes visible to read_committed consumers at each checkpoint.")
  String checkpointInterval;

  @Option(names = "--checkpoint-dir", description = "Checkpoint storage URI (file://, s3://, ...); the cluster's default when absent (a MiniCluster's default keeps checkpoints in JobManager memory, at most 5 MB).")
  String checkpointDir;

  @Option(names = "--delivery", defaultValue = "exactly-once", description = "exactly-once or at-least-once.")
  String delivery;

  @Option(names = "--transaction-timeout", defaultValue = "10m", converter = DurationOption.class,
      description = "Kafka transaction timeout; must stay below the broker's transaction.max.timeout.ms (15 min by default).")
  Duration transactionTimeout;

  @Option(names = "--restart-attempts", defaultValue = "10", description = "Restarts before the job fails for good.")
  int restartAttempts;

  @Option(names = "--restart-delay", defaultValue = "5s", converter = DurationOption.class, description = "Delay between restarts.")
  Duration restartDelay;

  @Option(names = "--parallelism", defaultValue = "0", description = "Job parallelism; 0 keeps the cluster's default.")
  int parallelism;

  /** Flink settings of the restart strategy and (when given) the checkpoint storage, in insertion order. */
  public Map<String, String> flinkConfiguration() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("restart-strategy.type", "fixed-delay");
    conf.put("restart-strategy.fixed-delay.attempts", Integer.toString(restartAttempts));
    conf.put("restart-strategy.fixed-delay.delay", restartDelay.toMillis() + " ms");
    if (checkpointDir != null) {
      conf.put("execution.checkpointing.dir", checkpointDir);
    }
    return conf;
  }

  /** Throws IllegalArgumentException naming --delivery when it is neither exactly-once nor at-least-once. */
  public boolean exactlyOnce() {
    return switch (delivery.toLowerCase(Locale.ROOT)) {
      case "exactly-once" -> true;
      case "at-least-once" -> false;
      default -> throw new IllegalArgumentException("--delivery " + delivery + ": expected exactly-once or at-least-once");
    };
  }

  public String startingOffsets() {
    return startingOffsets;
  }

  public boolean bounded() {
    return bounded;
  }

  /** @param defaultCheckpointInterval the job's checkpoint interval unless {@code --checkpoint-interval} says another */
  public FlinkJobOptions(Duration defaultCheckpointInterval) {
    this.checkpointInterval = Durations.format(defaultCheckpointInterval);
  }

  /** @throws IllegalArgumentException naming the option when it is no positive duration */
  public Duration checkpointInterval() {
    Duration interval;
    try {
      interval = Durations.parse(checkpointInterval);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--checkpoint-interval: " + e.getMessage(), e);
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("--checkpoint-interval " + checkpointInterval + ": must be positive");
    }
    return interval;
  }

  public Duration transactionTimeout() {
    return transactionTimeout;
  }

  public int parallelism() {
    return parallelism;
  }
}
