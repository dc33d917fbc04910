package dev.flowtel.flink.config;

import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * How {@link FlinkJobOptions} set up a job's execution environment: checkpointing (its mode follows
 * {@code --delivery}) and parallelism. Kept out of the options class, which {@code --help} loads
 * without Flink on the class path.
 */
public final class JobEnvironment {

  private JobEnvironment() {}

  /** Checkpointing and parallelism as configured; the restart strategy comes from {@link FlinkJobOptions#flinkConfiguration()}. */
  public static void configure(StreamExecutionEnvironment env, FlinkJobOptions job) {
    env.enableCheckpointing(job.checkpointInterval().toMillis(),
        job.exactlyOnce() ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);
    if (job.parallelism() > 0) {
      env.setParallelism(job.parallelism());
    }
  }

  /** Runs {@code job} in the current execution environment (the cluster's, or a local MiniCluster) until it ends. */
  public static void run(FlowtelJob job, Map<String, String> flinkConfiguration, String jobName) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Configuration.fromMap(flinkConfiguration));
    job.configure(env);
    job.attachTo(env);
    env.execute(jobName);
  }
}
