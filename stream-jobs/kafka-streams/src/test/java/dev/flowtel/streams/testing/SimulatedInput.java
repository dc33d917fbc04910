package dev.flowtel.streams.testing;

import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.flow.SimulationSink;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.streams.Driver;
import dev.flowtel.testing.CommittedRecords;
import dev.flowtel.testing.InputProducer;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A simulation's records as the app's ITs write them to the real broker (flows keyed by edge, on
 * partition 0) and feed them to the TopologyTestDriver for the results the app must reach.
 */
public final class SimulatedInput {

  private static final WireCodec<FlowEvent> FLOW_CODEC = WireCodec.of(RecordType.FLOW_EVENT);
  private static final WireCodec<ClusterState> STATE_CODEC = WireCodec.of(RecordType.CLUSTER_STATE);

  /** Key and value of each flow record, in the order sent. */
  public final List<byte[][]> flows = new ArrayList<>();
  public final List<ClusterStateRecord> state = new ArrayList<>();
  /** How many clock flows end {@link #flows}. */
  private int clockFlows;

  private SimulatedInput() {}

  public static SimulatedInput of(SimulatorSettings settings) {
    SimulatedInput input = new SimulatedInput();
    ClusterSimulator.of(settings).run(new SimulationSink() {
      @Override
      public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
        input.flows.add(new byte[][] {edgeKey.getBytes(StandardCharsets.UTF_8), FLOW_CODEC.encode(flow)});
      }

      @Override
      public void clusterState(ClusterStateRecord record) {
        input.state.add(record);
      }
    });
    return input;
  }

  /**
   * Appends the {@link ClockFlow}: a copy of the last counted flow, ending as far after the input's last
   * flow as event time must run on after the input for every result of it to come out, so the app
   * gets there on the records alone (ITs then run it with an idleness no test outlives). How far is
   * found in the TopologyTestDriver with the same detection options: event time is let run on 10 s
   * at a time after the input, and the clock flow goes past the step that brought the last result.
   */
  public void appendClockFlow(String... options) throws Exception {
    Instant lastEnd = null;
    byte[][] last = null;
    for (byte[][] f : flows) {
      Instant end = ClockFlow.endOf(f[1]);
      if (end != null) {
        lastEnd = lastEnd == null || end.isAfter(lastEnd) ? end : lastEnd;
        last = ClockFlow.counts(f[1]) ? f : last;
      }
    }
    if (last == null) {
      throw new IllegalStateException("no flow to copy for the clock flow");
    }
    Duration step = Duration.ofSeconds(10);
    Duration lastResult = Duration.ZERO;
    try (Driver driver = new Driver(options)) {
      state.forEach(r -> driver.clusterState(r.key().getBytes(StandardCharsets.UTF_8), encodedState(r), r.at()));
      flows.forEach(f -> driver.flow(f[0], f[1]));
      for (Duration ran = step; ran.compareTo(Duration.ofMinutes(30)) <= 0; ran = ran.plus(step)) {
        driver.driver().advanceWallClockTime(step);
        if (!driver.traffic().isEmpty() | !driver.anomalies().isEmpty()) { // both read, so both emptied
          lastResult = ran;
        }
      }
      driver.finish();
      if (!driver.traffic().isEmpty() || !driver.anomalies().isEmpty()) {
        throw new IllegalStateException("results still come out 30 minutes of event time after the input: no clock flow fits");
      }
    }
    // Event time ran on from the watermark at the last flow (at most lastEnd - out-of-orderness - 1 ms);
    // the clock flow brings lastEnd + lastResult - out-of-orderness - 1 ms, at least as far.
    clockFlows++;
    flows.add(new byte[][] {last[0], ClockFlow.movedTo(last[1], lastEnd.plus(lastResult))});
  }

  /**
   * The app's results for this input, from the TopologyTestDriver with the same detection options:
   * what it writes once the clock flow has passed (no wall-clock time goes by in the driver).
   * Checked first against the input without the clock flow at its end (event time run on by 30
   * days): the same traffic windows at their final revisions, and the same anomalies, so the clock
   * flow closes everything the end of the input would and adds no result of its own. An anomaly's
   * content may count the clock flow (a copy of a real flow, which can fall in an open anomaly's
   * cooldown); the ITs compare the app with the driver on the very same input, clock flow included.
   */
  public Expected expected(String... options) throws Exception {
    Expected atClock = run(flows, false, options);
    if (clockFlows > 0) {
      Expected atEnd = run(flows.subList(0, flows.size() - clockFlows), true, options);
      Map<String, ServiceTraffic> trafficAtClock = FinalRevisions.traffic(atClock.traffic());
      Map<String, ServiceTraffic> trafficAtEnd = FinalRevisions.traffic(atEnd.traffic());
      Set<String> anomaliesAtClock = FinalRevisions.anomalies(atClock.anomalies()).keySet();
      Set<String> anomaliesAtEnd = FinalRevisions.anomalies(atEnd.anomalies()).keySet();
      if (!trafficAtClock.equals(trafficAtEnd) || !anomaliesAtClock.equals(anomaliesAtEnd)) {
        Set<String> windowsDiffer = new TreeSet<>(trafficAtEnd.keySet());
        windowsDiffer.addAll(trafficAtClock.keySet());
        windowsDiffer.removeIf(k -> java.util.Objects.equals(trafficAtClock.get(k), trafficAtEnd.get(k)));
        Set<String> anomaliesDiffer = new TreeSet<>(anomaliesAtEnd);
        anomaliesDiffer.addAll(anomaliesAtClock);
        anomaliesDiffer.removeIf(id -> anomaliesAtClock.contains(id) && anomaliesAtEnd.contains(id));
        throw new IllegalStateException("the clock flow changes the results: traffic windows " + windowsDiffer
            + ", anomalies only on one side " + anomaliesDiffer);
      }
    }
    return atClock;
  }

  /**
   * {@link #expected} on a thread of its own, so an IT computes it while the app under test works
   * through the same input (they share nothing but the input's records, which no one changes then).
   */
  public CompletableFuture<Expected> expectedMeanwhile(String... options) {
    return Meanwhile.run("expected-results", () -> expected(options));
  }

  private Expected run(List<byte[][]> flowRecords, boolean finish, String... options) throws Exception {
    try (Driver driver = new Driver(options)) {
      state.forEach(r -> driver.clusterState(r.key().getBytes(StandardCharsets.UTF_8), encodedState(r), r.at()));
      flowRecords.forEach(f -> driver.flow(f[0], f[1]));
      if (finish) {
        driver.finish();
      }
      return new Expected(driver.traffic(), driver.anomalies());
    }
  }

  public record Expected(List<ServiceTraffic> traffic, List<PolicyAnomaly> anomalies) {}

  public void produceState(String bootstrap, String topic) {
    try (var producer = InputProducer.create(bootstrap)) {
      for (ClusterStateRecord r : state) {
        producer.send(new ProducerRecord<>(topic, 0, r.at().toEpochMilli(), r.key().getBytes(StandardCharsets.UTF_8), encodedState(r)));
      }
    }
  }

  /** Flows {@code from} (inclusive) to {@code to} (exclusive). */
  public void produceFlows(String bootstrap, String topic, int from, int to) {
    try (var producer = InputProducer.create(bootstrap)) {
      for (byte[][] f : flows.subList(from, to)) {
        producer.send(new ProducerRecord<>(topic, 0, f[0], f[1]));
      }
    }
  }

  /**
   * Everything committed in the topic: once no transaction is open on any of its partitions (its
   * last stable offset is its end), read with read_committed from the beginning up to that offset.
   * Call it once the app has committed all its input ({@link AppProgress}), when nothing more comes.
   */
  public static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, String topic, Duration timeout)
      throws Exception {
    Map<TopicPartition, Long> ends = AppProgress.awaitNoOpenTransaction(bootstrap, List.of(topic), timeout);
    return CommittedRecords.readUpTo(bootstrap, topic, ends, timeout);
  }

  private static byte[] encodedState(ClusterStateRecord r) {
    return r.value() == null ? null : STATE_CODEC.encode(r.value());
  }
}
