package dev.flowtel.flink.detection;

import dev.flowtel.core.edge.ObservationPoint;
import dev.flowtel.flink.input.DeadLetter;
import dev.flowtel.flink.testing.CollectingSink;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.LabeledFlow;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the detection job on a MiniCluster over a simulation: the simulator's flows are generated
 * lazily inside the source (as a collector would export them, no Kafka, no encoding), the
 * initial cluster state and the POLICY_CHANGE records are the broadcast input, and the anomalies
 * are collected. Hours of event time take seconds of generation.
 */
final class SimulatedRun {

  private static final Map<String, ClusterSimulator> SIMULATORS = new ConcurrentHashMap<>();

  record Result(ClusterSimulator simulator, List<PolicyAnomaly> anomalies, List<DeadLetter> deadLetters, long flows,
      double seconds) {}

  private SimulatedRun() {}

  static Result run(SimulatorSettings settings, String... options) throws Exception {
    ClusterSimulator simulator = ClusterSimulator.of(settings);
    long counted = 0;
    for (Iterator<LabeledFlow> it = simulator.flows(); it.hasNext(); ) {
      if (ObservationPoint.counts(it.next().flow())) {
        counted++;
      }
    }
    WireCodec<ClusterState> codec = WireCodec.of(RecordType.CLUSTER_STATE);
    List<ClusterStateChange> changes = new ArrayList<>();
    List<ClusterStateRecord> records = new ArrayList<>(simulator.clusterState());
    records.addAll(simulator.clusterStateChanges());
    for (ClusterStateRecord r : records) {
      changes.add(new ClusterStateChange(r.key(), r.value() == null ? null : codec.encode(r.value()), r.at().toEpochMilli(),
          null));
    }

    String run = UUID.randomUUID().toString();
    SIMULATORS.put(run, simulator);
    PolicyAnomalyConfig config = PolicyAnomalyConfig.parse(options);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        Configuration.fromMap(config.flinkConfiguration()));
    env.setParallelism(1);
    CollectingSink<PolicyAnomaly> anomalies = new CollectingSink<>("anomalies-" + run);
    CollectingSink<DeadLetter> deadLetters = new CollectingSink<>("dlq-" + run);
    DataGeneratorSource<DetectionRecord> flows = new DataGeneratorSource<>(new SimulatorFlows(run), counted,
        TypeInformation.of(DetectionRecord.class));
    List<ClusterStateChange> changeList = List.copyOf(changes);
    DataGeneratorSource<ClusterStateChange> state = new DataGeneratorSource<>(index -> changeList.get(index.intValue()),
        changeList.size(), TypeInformation.of(ClusterStateChange.class));
    new PolicyAnomalyJob(config, flows, state, anomalies, deadLetters).attachTo(env);
    long started = System.nanoTime();
    env.execute("simulated detection");
    double seconds = (System.nanoTime() - started) / 1e9;
    SIMULATORS.remove(run);
    return new Result(simulator, anomalies.collected(), deadLetters.collected(), counted, seconds);
  }

  /** Pulls the simulation's counted flows in delivery order; the index is implied (one reader). */
  private static final class SimulatorFlows implements GeneratorFunction<Long, DetectionRecord> {
    private static final long serialVersionUID = 1L;
    private final String run;
    private transient Iterator<LabeledFlow> flows;
    private transient ObservedFlowDecoder decoder;

    SimulatorFlows(String run) {
      this.run = run;
    }

    @Override
    public DetectionRecord map(Long index) {
      if (flows == null) {
        flows = SIMULATORS.get(run).flows();
        decoder = new ObservedFlowDecoder();
      }
      if (index % 250_000 == 0 && Boolean.getBoolean("flowtel.detection.progress")) {
        System.out.printf("%tT %d flows%n", System.currentTimeMillis(), index);
      }
      while (true) {
        var observed = decoder.observe(flows.next().flow());
        if (observed.isPresent()) {
          return observed.get();
        }
      }
    }
  }
}
