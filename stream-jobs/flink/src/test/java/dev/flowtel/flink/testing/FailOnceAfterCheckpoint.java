package dev.flowtel.flink.testing;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * A pass-through map for recovery ITs: slows the stream until it has failed once, which it does
 * after a checkpoint completed and {@code failAfter} elements passed, on the first element that
 * {@code failOn} accepts. The MiniCluster runs in the test's JVM, so the state is static: call
 * {@link #reset()} before each job.
 */
public final class FailOnceAfterCheckpoint<T> extends RichMapFunction<T, T> implements CheckpointListener {

  private static final long serialVersionUID = 1L;
  private static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
  private static final AtomicBoolean FAILED = new AtomicBoolean();
  private static final AtomicLong SEEN = new AtomicLong();

  private final long failAfter;
  private final FilterFunction<T> failOn;

  public FailOnceAfterCheckpoint(long failAfter) {
    this(failAfter, element -> true);
  }

  public FailOnceAfterCheckpoint(long failAfter, FilterFunction<T> failOn) {
    this.failAfter = failAfter;
    this.failOn = failOn;
  }

  public static void reset() {
    CHECKPOINTED.set(false);
    FAILED.set(false);
    SEEN.set(0);
  }

  public static boolean failed() {
    return FAILED.get();
  }

  @Override
  public T map(T element) throws Exception {
    long seen = SEEN.incrementAndGet();
    if (!FAILED.get()) {
      if (seen % 10 == 0) {
        Thread.sleep(1);
      }
      if (CHECKPOINTED.get() && seen > failAfter && failOn.filter(element) && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure after " + seen + " elements");
      }
    }
    return element;
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    CHECKPOINTED.set(true);
  }
}
