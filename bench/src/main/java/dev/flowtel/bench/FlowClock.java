package dev.flowtel.bench;

import dev.flowtel.core.edge.ClassifiedFlow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Notes when the first and the last record pass a Flink job's source tasks (the benches run the
 * MiniCluster in their own JVM), so the rate while reading can be told apart from start-up and
 * from the wait for the final checkpoint that commits a bounded exactly-once job's output.
 * One job at a time: the marks are static, as every subtask must reach the same two. Each subtask
 * keeps its last mark to itself until it closes (at the end of a bounded input): a mark shared on
 * every record would bounce one cache line between the cores, a cost of the bench, not the job.
 *
 * @param <T> what passes the clock
 */
public final class FlowClock<T> extends RichMapFunction<T, T> {
  private static final long serialVersionUID = 1L;
  private static final AtomicLong FIRST = new AtomicLong(Long.MAX_VALUE);
  private static final AtomicLong LAST = new AtomicLong(Long.MIN_VALUE);

  private transient long last;

  /**
   * Forgets the last job's marks and returns the tap to hand to
   * {@code TrafficAggregationJob.onKafka}, which puts this clock right after the job's source.
   */
  public static UnaryOperator<DataStream<ClassifiedFlow>> tap() {
    reset();
    return FlowClock::clocked;
  }

  /** Forgets the last job's marks and puts the clock on {@code records}, for a job about to be submitted. */
  public static <T> DataStream<T> clocked(DataStream<T> records) {
    reset();
    return records.map(new FlowClock<T>()).returns(records.getType()).name("bench clock");
  }

  /** Forgets the last job's marks; {@link #tap()} does it for a job about to be submitted. */
  public static void reset() {
    FIRST.set(Long.MAX_VALUE);
    LAST.set(Long.MIN_VALUE);
  }

  /** {@link System#nanoTime()} when the first record passed, or {@link Long#MAX_VALUE} before any did. */
  public static long firstNanos() {
    return FIRST.get();
  }

  /** Seconds from the first to the last record that passed since {@link #reset()}, once the job has ended. */
  public static double readingSeconds() {
    return (LAST.get() - FIRST.get()) / 1e9;
  }

  @Override
  public void open(OpenContext context) {
    last = Long.MIN_VALUE;
  }

  @Override
  public T map(T record) {
    long now = System.nanoTime();
    if (last == Long.MIN_VALUE) {
      FIRST.accumulateAndGet(now, Math::min);
    }
    last = now;
    return record;
  }

  @Override
  public void close() {
    LAST.accumulateAndGet(last, Math::max);
  }
}
