package dev.flowtel.bench;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.flink.types.ClassifiedFlowSerializer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Notes when the first and the last flow pass the traffic job's source tasks (the benches run the
 * MiniCluster in their own JVM), so the rate while reading can be told apart from start-up and
 * from the wait for the final checkpoint that commits a bounded exactly-once job's output.
 * One job at a time: the marks are static, as every subtask must reach the same two.
 */
public final class FlowClock implements MapFunction<ClassifiedFlow, ClassifiedFlow> {
  private static final long serialVersionUID = 1L;
  private static final AtomicLong FIRST = new AtomicLong(Long.MAX_VALUE);
  private static final AtomicLong LAST = new AtomicLong(Long.MIN_VALUE);

  /**
   * Forgets the last job's marks and returns the tap to hand to
   * {@code TrafficAggregationJob.onKafka}, which puts this clock right after the job's source.
   */
  public static UnaryOperator<DataStream<ClassifiedFlow>> tap() {
    reset();
    return flows -> flows.map(new FlowClock()).returns(ClassifiedFlowSerializer.TYPE).name("bench clock");
  }

  /** Forgets the last job's marks; {@link #tap()} does it for a job about to be submitted. */
  public static void reset() {
    FIRST.set(Long.MAX_VALUE);
    LAST.set(Long.MIN_VALUE);
  }

  /** {@link System#nanoTime()} when the first flow passed, or {@link Long#MAX_VALUE} before any did. */
  public static long firstNanos() {
    return FIRST.get();
  }

  /** Seconds from the first to the last flow that passed since {@link #reset()}. */
  public static double readingSeconds() {
    return (LAST.get() - FIRST.get()) / 1e9;
  }

  @Override
  public ClassifiedFlow map(ClassifiedFlow flow) {
    long now = System.nanoTime();
    if (FIRST.get() == Long.MAX_VALUE) {
      FIRST.accumulateAndGet(now, Math::min);
    }
    long last = LAST.get();
    if (now > last) {
      LAST.compareAndSet(last, now); // a lost race loses a nanosecond's difference
    }
    return flow;
  }
}
