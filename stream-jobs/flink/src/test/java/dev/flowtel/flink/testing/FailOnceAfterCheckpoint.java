package dev.flowtel.flink.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * A pass-through map for recovery ITs: throws once, on the first element that {@code failOn}
 * accepts, and remembers whether a checkpoint had completed by then. The test chooses that element
 * by its content among input it produces only after a checkpoint completed, so the failure always
 * happens, and always after that checkpoint; {@link #failedAfterCheckpoint()} lets it say so. The
 * MiniCluster runs in the test's JVM, so the state is static: call {@link #reset()} before each job.
 */
public final class FailOnceAfterCheckpoint<T> extends RichMapFunction<T, T> implements CheckpointListener {

  private static final long serialVersionUID = 1L;
  private static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
  private static final AtomicBoolean FAILED = new AtomicBoolean();
  private static final AtomicBoolean FAILED_AFTER_CHECKPOINT = new AtomicBoolean();
  private static volatile CountDownLatch failure = new CountDownLatch(1);

  private final FilterFunction<T> failOn;

  public FailOnceAfterCheckpoint(FilterFunction<T> failOn) {
    this.failOn = failOn;
  }

  public static void reset() {
    CHECKPOINTED.set(false);
    FAILED.set(false);
    FAILED_AFTER_CHECKPOINT.set(false);
    failure = new CountDownLatch(1);
  }

  /** Opens when the failure has been thrown; from then on no checkpoint completes before the job has restored. */
  public static CountDownLatch failure() {
    return failure;
  }

  /** Whether the job failed here once, after a checkpoint had completed. */
  public static boolean failedAfterCheckpoint() {
    return FAILED.get() && FAILED_AFTER_CHECKPOINT.get();
  }

  @Override
  public T map(T element) throws Exception {
    if (!FAILED.get() && failOn.filter(element) && FAILED.compareAndSet(false, true)) {
      FAILED_AFTER_CHECKPOINT.set(CHECKPOINTED.get());
      failure.countDown();
      throw new IllegalStateException("injected failure at " + element);
    }
    return element;
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    CHECKPOINTED.set(true);
  }
}
