package dev.flowtel.flink.testing;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * A MiniCluster on which the test, not a timer, decides when a job checkpoints: the job's periodic
 * checkpoints are pushed out of reach and the test triggers each checkpoint and waits for it. A
 * recovery test thus knows which checkpoint the job restores from, and that none completed after it.
 */
public final class CheckpointOnDemandCluster implements AutoCloseable {

  /** Far beyond any test's timeout: the periodic trigger (first and every later one) never fires. */
  private static final long NEVER_MILLIS = 365L * 24 * 3600 * 1000;

  private final MiniCluster cluster;

  private CheckpointOnDemandCluster(MiniCluster cluster) {
    this.cluster = cluster;
  }

  public static CheckpointOnDemandCluster start(int slots) throws Exception {
    Configuration configuration = new Configuration();
    configuration.set(RestOptions.BIND_PORT, "0");
    MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(configuration)
        .setNumTaskManagers(1).setNumSlotsPerTaskManager(slots).build());
    cluster.start();
    return new CheckpointOnDemandCluster(cluster);
  }

  /**
   * Keeps checkpointing on (transactional sinks and the final checkpoint at the end of input need
   * it) but leaves every checkpoint to {@link #checkpointUntil} and {@link #finish}. Call after the
   * job's own checkpoint settings. The first periodic checkpoint comes between the minimum pause and
   * the interval after the start, so both are set.
   */
  public static void checkpointOnlyOnDemand(StreamExecutionEnvironment env) {
    CheckpointConfig checkpoints = env.getCheckpointConfig();
    checkpoints.setCheckpointInterval(NEVER_MILLIS);
    checkpoints.setMinPauseBetweenCheckpoints(NEVER_MILLIS);
  }

  /** A running job of {@code env}'s pipeline. */
  public Job submit(StreamExecutionEnvironment env, String name) throws Exception {
    return submit(env, name, SavepointRestoreSettings.none());
  }

  /** A running job of {@code env}'s pipeline, started from the savepoint or checkpoint {@code restore} names. */
  public Job submit(StreamExecutionEnvironment env, String name, SavepointRestoreSettings restore) throws Exception {
    StreamGraph graph = env.getStreamGraph();
    graph.setSavepointRestoreSettings(restore);
    JobID id = JobID.generate();
    graph.setJobId(id);
    graph.setJobName(name);
    graph.serializeUserDefinedInstances();
    cluster.submitJob(graph).get();
    return new Job(id, cluster.requestJobResult(id));
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }

  /** A job on this cluster and its result, once it has one. */
  public final class Job {
    private final JobID id;
    private final CompletableFuture<JobResult> result;

    private Job(JobID id, CompletableFuture<JobResult> result) {
      this.id = id;
      this.result = result;
    }

    /**
     * Takes checkpoints one at a time, each awaited, until {@code covered} holds after one
     * completed (say, the committed offsets reached the end of the input so far). No checkpoint is
     * pending when this returns, so none can cover input produced afterwards.
     */
    public void checkpointUntil(BooleanSupplier covered) throws Exception {
      while (!(checkpoint() && covered.getAsBoolean())) {
        if (result.isDone()) {
          throw new IllegalStateException("job " + id + " ended before the awaited checkpoint: " + describe(result.get()));
        }
      }
    }

    /** Waits until {@code latch} opens while the job runs; throws if the job ends first. */
    public void await(CountDownLatch latch) throws Exception {
      while (!latch.await(100, TimeUnit.MILLISECONDS)) {
        if (result.isDone()) {
          throw new IllegalStateException("job " + id + " ended before the awaited state: " + describe(result.get()));
        }
      }
    }

    /**
     * Takes checkpoints until the job ends and returns normally if it succeeded. A bounded job with
     * transactional sinks ends only after a checkpoint that follows its end of input.
     */
    public void finish() throws Exception {
      while (!result.isDone()) {
        checkpoint();
      }
      JobResult ended = result.get();
      if (!ended.isSuccess()) {
        throw new IllegalStateException("job " + id + " failed: " + describe(ended),
            ended.getSerializedThrowable().orElse(null));
      }
    }

    /**
     * Ends a job that reads until {@code covered} holds after a completed checkpoint, then stops it
     * with a savepoint into {@code directory}, draining it: its sources end with the highest
     * watermark, so every window and timer fires, and its sinks commit with that savepoint. For a
     * bounded job restored from a savepoint, whose source readers wait, their splits read, for
     * an enumerator that found no new partition and so never says there are no more splits. A
     * job that ends by itself first must have succeeded.
     */
    public void drainOnce(BooleanSupplier covered, Path directory) throws Exception {
      stopWithSavepoint(covered, directory, true);
    }

    /**
     * Stops the job with a savepoint into {@code directory} once {@code covered} holds after a completed
     * checkpoint, without draining, as an operator stops a job to upgrade it: windows still open stay
     * open in the savepoint's state, and the sinks commit what the job wrote before it. Returns the
     * savepoint's path; the job must have finished.
     */
    public String stopWithSavepointOnce(BooleanSupplier covered, Path directory) throws Exception {
      return stopWithSavepoint(covered, directory, false).orElseThrow(() -> new IllegalStateException(
          "job " + id + " ended before it could be stopped with a savepoint"));
    }

    /** The savepoint's path, or empty when the job ended by itself first; either way it must have succeeded. */
    private Optional<String> stopWithSavepoint(BooleanSupplier covered, Path directory,
        boolean drain) throws Exception {
      String savepoint = null;
      while (!result.isDone()) {
        if (checkpoint() && covered.getAsBoolean()) {
          savepoint = cluster.stopWithSavepoint(id, directory.toUri().toString(), drain,
              SavepointFormatType.CANONICAL).get();
          break;
        }
      }
      JobResult ended = result.get();
      if (!ended.isSuccess()) {
        throw new IllegalStateException("job " + id + " failed: " + describe(ended), ended.getSerializedThrowable().orElse(null));
      }
      return Optional.ofNullable(savepoint);
    }

    /** Whether a checkpoint completed; false when it could not be taken now (tasks deploying, restarting, finishing). */
    private boolean checkpoint() throws Exception {
      try {
        // A checkpoint pending when the job fails for good may never complete: wait for either.
        CompletableFuture<Long> checkpoint = cluster.triggerCheckpoint(id, CheckpointType.CONFIGURED);
        CompletableFuture.anyOf(checkpoint, result).get();
        if (!checkpoint.isDone()) {
          return false;
        }
        checkpoint.get();
        return true;
      } catch (ExecutionException notNow) {
        // Not a condition, only a pause before asking again; it ends early when the job does.
        try {
          result.get(100, TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillRunning) {
          // ask again
        }
        return false;
      }
    }

    private static String describe(JobResult result) {
      return result.getJobStatus().map(Object::toString).orElse("no status")
          + result.getSerializedThrowable().map(t -> " " + t.getMessage()).orElse("");
    }
  }
}
