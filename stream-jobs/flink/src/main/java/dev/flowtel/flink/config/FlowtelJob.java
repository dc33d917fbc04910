package dev.flowtel.flink.config;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** One of Flowtel's Flink jobs: it sets up an execution environment and adds its pipeline to it. */
public interface FlowtelJob {

  /** Checkpointing and parallelism as configured. */
  void configure(StreamExecutionEnvironment env);

  /** Adds the pipeline to {@code env}. */
  void attachTo(StreamExecutionEnvironment env);
}
