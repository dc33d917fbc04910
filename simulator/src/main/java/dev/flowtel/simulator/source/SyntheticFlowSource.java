package dev.flowtel.simulator.source;

import dev.flowtel.core.source.FlowSink;
import dev.flowtel.core.source.FlowSource;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.dns.DnsSimulation;
import dev.flowtel.simulator.dns.LabeledDns;
import dev.flowtel.simulator.flow.SimulationSink;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator as a flow source for the collector ({@code --source synthetic}, found through
 * {@link SimulatedSources}) and the local run: {@link #start} pushes the initial cluster state,
 * then flows and state changes, to a sink on its own thread, paced by event time at
 * {@code pacedFlowsPerSecond} of the settings ({@link EventTimePacer}; 0: as fast as the sink
 * takes them), until the duration ends, {@code maxFlows}
 * are out, or {@link #stop} is called. Flows carry their call-graph edge as key; ground-truth
 * labels reach only a {@link SimulationSink}. With {@link #withDns} a {@link SimulationSink} also gets the cluster's
 * DNS transactions, interleaved by time: each before the first flow that ends after its query.
 */
public final class SyntheticFlowSource implements FlowSource {

  private final ClusterSimulator simulator;
  private final long maxFlows;
  private final PacingClock clock;
  private final DnsSimulation dns;
  private final AtomicLong delivered = new AtomicLong();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile Throwable failure;
  private Thread thread;

  private SyntheticFlowSource(ClusterSimulator simulator, long maxFlows, PacingClock clock, DnsSimulation dns) {
    this.simulator = Objects.requireNonNull(simulator, "simulator");
    this.maxFlows = maxFlows;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.dns = dns;
  }

  /** A source for the simulator's whole duration. */
  public static SyntheticFlowSource of(ClusterSimulator simulator) {
    return new SyntheticFlowSource(simulator, Long.MAX_VALUE, PacingClock.SYSTEM, null);
  }

  /** A source that stops after {@code maxFlows} flows. */
  public static SyntheticFlowSource of(ClusterSimulator simulator, long maxFlows) {
    return new SyntheticFlowSource(simulator, maxFlows, PacingClock.SYSTEM, null);
  }

  /** A source paced on {@code clock} (tests: a clock that moves when waited on). */
  static SyntheticFlowSource of(ClusterSimulator simulator, long maxFlows, PacingClock clock) {
    return new SyntheticFlowSource(simulator, maxFlows, clock, null);
  }

  /**
   * The same source that also delivers {@code dns}'s transactions to a {@link SimulationSink} (a collector's FlowSink
   * has no place for them). Before {@link #start}.
   */
  public SyntheticFlowSource withDns(DnsSimulation dns) {
    return new SyntheticFlowSource(simulator, maxFlows, clock, Objects.requireNonNull(dns, "dns"));
  }

  @Override
  public String name() {
    return "synthetic";
  }

  @Override
  public boolean keysByServiceEdge() {
    return true;
  }

  /** Delivers to a collector's sink: flows with their edge keys, and the cluster state. */
  @Override
  public void start(FlowSink sink) {
    start(new SimulationSink() {
      @Override
      public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
        sink.flow(flow, edgeKey);
      }

      @Override
      public void clusterState(ClusterStateRecord record) {
        sink.clusterState(record.key(), record.value());
      }
    });
  }

  public synchronized void start(SimulationSink sink) {
    if (thread != null) {
      throw new IllegalStateException("synthetic flow source already started; make a new one for another run");
    }
    long paced = simulator.settings().pacedFlowsPerSecond();
    EventTimePacer pacer = paced > 0
        ? EventTimePacer.of(simulator.settings().start(), paced, simulator.settings().flowsPerSecond())
        : null;
    thread = new Thread(() -> {
      try {
        SimulationSink target = dns == null ? sink : new WithDns(sink, dns.transactions());
        simulator.run(maxFlows, pacer == null ? new CountingSink(target) : new PacedSink(target, pacer));
      } catch (Stopped e) {
        // stop() was called; nothing more to deliver.
      } catch (Throwable t) {
        failure = t;
      } finally {
        finished.countDown();
      }
    }, "flowtel-synthetic-flow-source");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops delivering (within one flow) and waits up to 10 s for the thread to end. */
  public void stop() {
    stopping = true;
    try {
      finished.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean awaitEnd(Duration timeout) throws InterruptedException {
    return awaitCompletion(timeout);
  }

  /** Waits for the end of the run; true when it ended within {@code timeout}. Rethrows the sink's failure, if any. */
  public boolean awaitCompletion(Duration timeout) throws InterruptedException {
    boolean done = finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (failure != null) {
      throw new IllegalStateException("synthetic flow source failed: " + failure.getMessage(), failure);
    }
    return done;
  }

  public boolean running() {
    return thread != null && finished.getCount() > 0;
  }

  public long flowsDelivered() {
    return delivered.get();
  }

  @Override
  public void close() {
    stop();
  }

  private static final class Stopped extends RuntimeException {
    Stopped() {
      super(null, null, false, false);
    }
  }

  /** Hands the sink every DNS transaction queried up to a flow's end before that flow. */
  private static final class WithDns implements SimulationSink {
    private final SimulationSink target;
    private final Iterator<LabeledDns> transactions;
    private LabeledDns next;

    WithDns(SimulationSink target, Iterator<LabeledDns> transactions) {
      this.target = target;
      this.transactions = transactions;
      this.next = transactions.hasNext() ? transactions.next() : null;
    }

    @Override
    public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
      while (next != null && !next.transaction().getQueryTime().isAfter(flow.getFlowEnd())) {
        target.dns(next);
        next = transactions.hasNext() ? transactions.next() : null;
      }
      target.flow(flow, edgeKey, label);
    }

    @Override
    public void clusterState(ClusterStateRecord record) {
      target.clusterState(record);
    }
  }

  /** Passes records on as fast as the sink takes them, counting flows. */
  private final class CountingSink implements SimulationSink {
    private final SimulationSink target;

    CountingSink(SimulationSink target) {
      this.target = target;
    }

    @Override
    public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
      if (stopping) {
        throw new Stopped();
      }
      delivered.incrementAndGet();
      target.flow(flow, edgeKey, label);
    }

    @Override
    public void clusterState(ClusterStateRecord record) {
      if (stopping) {
        throw new Stopped();
      }
      target.clusterState(record);
    }
  }

  /** Passes records on, sleeping until each flow's event time comes round on the (scaled) wall clock. */
  private final class PacedSink implements SimulationSink {
    private final SimulationSink target;
    private final EventTimePacer pacer;
    private final long begin = clock.nanoTime();

    PacedSink(SimulationSink target, EventTimePacer pacer) {
      this.target = target;
      this.pacer = pacer;
    }

    @Override
    public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
      if (stopping) {
        throw new Stopped();
      }
      long n = delivered.incrementAndGet();
      if (n % 64 == 0) {
        long wait = begin + pacer.dueAfterStartNanos(flow.getFlowEnd()) - clock.nanoTime();
        if (wait > 0) {
          try {
            clock.sleepNanos(wait);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
          }
        }
      }
      target.flow(flow, edgeKey, label);
    }

    @Override
    public void clusterState(ClusterStateRecord record) {
      if (stopping) {
        throw new Stopped();
      }
      target.clusterState(record);
    }
  }
}
