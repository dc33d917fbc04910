package dev.flowtel.parity;

import dev.flowtel.schema.StagedPolicyVerdict;
import dev.flowtel.flink.detection.ClusterStateChange;
import dev.flowtel.flink.detection.DetectionRecord;
import dev.flowtel.flink.detection.ObservedFlowDecoder;
import dev.flowtel.flink.detection.PolicyAnomalyConfig;
import dev.flowtel.flink.detection.PolicyAnomalyJob;
import dev.flowtel.flink.input.DeadLetter;
import dev.flowtel.flink.input.FlowRecordDecoder;
import dev.flowtel.flink.input.SourceRecord;
import dev.flowtel.flink.testing.CollectingSink;
import dev.flowtel.flink.traffic.TrafficAggregationConfig;
import dev.flowtel.flink.traffic.TrafficAggregationJob;
import dev.flowtel.core.dns.DnsQuery;
import dev.flowtel.core.dns.activity.DnsExchange;
import dev.flowtel.flink.dns.DnsInput;
import dev.flowtel.schema.DnsActivity;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The recorded input through the Flink jobs on a MiniCluster, parallelism 1, as the Flink module's
 * own tests run them: what the Kafka deserializers would emit, from bounded generator sources, into
 * collecting sinks.
 */
final class FlinkRun {

  private static final Map<String, RecordedInput> INPUTS = new ConcurrentHashMap<>();
  // One decoder per source thread: a decoder per generated record spent a fifth of this run building codecs.
  private static final ThreadLocal<FlowRecordDecoder> FLOW_DECODER = ThreadLocal.withInitial(FlowRecordDecoder::new);
  private static final ThreadLocal<ObservedFlowDecoder> OBSERVED_DECODER = ThreadLocal.withInitial(ObservedFlowDecoder::new);

  record Result(List<ServiceTraffic> traffic, List<PolicyAnomaly> anomalies, List<StagedPolicyVerdict> stagedVerdicts,
      List<DeadLetter> deadLetters) {}

  record DnsResult(List<DnsActivity> activity, List<PolicyAnomaly> anomalies, List<DeadLetter> deadLetters) {}

  private static final Map<String, List<DnsTransaction>> DNS_INPUTS = new ConcurrentHashMap<>();
  private static final WireCodec<DnsTransaction> DNS_CODEC = WireCodec.of(RecordType.DNS_TRANSACTION);
  /** The DNS run's only flow: the DNS pipelines have sources, watermarks and state of their own. */
  private static final byte[] ONE_FLOW = WireCodec.of(RecordType.FLOW_EVENT).encode(dev.flowtel.streams.ScriptedFlows.flow(
      dev.flowtel.streams.ScriptedFlows.FRONTEND_1, dev.flowtel.streams.ScriptedFlows.FRONTEND_1_IP, 40_000,
      dev.flowtel.streams.ScriptedFlows.CHECKOUT_0, dev.flowtel.streams.ScriptedFlows.CHECKOUT_0_IP, 8080, "node-a",
      dev.flowtel.schema.Direction.INGRESS, 1, 500, 0x12, null));

  private FlinkRun() {}

  /**
   * DNS transactions through both Flink jobs: the traffic job's DNS activity pipeline and the
   * detection job's DNS detectors, each reading them as its Kafka source would hand them over, beside
   * one flow and no cluster state.
   */
  static DnsResult runDns(List<DnsTransaction> transactions, String[] trafficOptions, String[] detectionOptions)
      throws Exception {
    String run = UUID.randomUUID().toString();
    DNS_INPUTS.put(run, transactions);
    try {
      int n = transactions.size();
      CollectingSink<DnsActivity> activity = new CollectingSink<>("dns-activity-" + run);
      CollectingSink<ServiceTraffic> traffic = new CollectingSink<>("dns-traffic-" + run);
      CollectingSink<DeadLetter> trafficDlq = new CollectingSink<>("dns-traffic-dlq-" + run);
      TrafficAggregationConfig trafficConfig = TrafficAggregationConfig.parse(trafficOptions);
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
          Configuration.fromMap(trafficConfig.flinkConfiguration()));
      env.setParallelism(1);
      // One flow and one cluster-state tombstone: a generator source of no records still generates one.
      DataGeneratorSource<SourceRecord> noFlows = new DataGeneratorSource<>(index -> FLOW_DECODER.get()
          .decode(null, ONE_FLOW, "flows", 0, 0).orElseThrow(), 1, TypeInformation.of(SourceRecord.class));
      new TrafficAggregationJob(trafficConfig, noFlows, traffic, trafficDlq).withDns(dnsSource(run, n), activity).attachTo(env);
      env.execute("parity dns activity");

      CollectingSink<PolicyAnomaly> anomalies = new CollectingSink<>("dns-anomalies-" + run);
      CollectingSink<DeadLetter> detectionDlq = new CollectingSink<>("dns-detection-dlq-" + run);
      PolicyAnomalyConfig detectionConfig = PolicyAnomalyConfig.parse(detectionOptions);
      StreamExecutionEnvironment env2 = StreamExecutionEnvironment.getExecutionEnvironment(
          Configuration.fromMap(detectionConfig.flinkConfiguration()));
      env2.setParallelism(1);
      DataGeneratorSource<DetectionRecord> noObserved = new DataGeneratorSource<>(index -> OBSERVED_DECODER.get()
          .decode(null, ONE_FLOW, "flows", 0, 0).orElseThrow(), 1, TypeInformation.of(DetectionRecord.class));
      DataGeneratorSource<ClusterStateChange> noState = new DataGeneratorSource<>(index ->
          new ClusterStateChange("Namespace/parity-none", null, 0, null), 1, TypeInformation.of(ClusterStateChange.class));
      new PolicyAnomalyJob(detectionConfig, noObserved, noState, anomalies, detectionDlq).withDns(dnsSource(run, n))
          .attachTo(env2);
      env2.execute("parity dns detection");

      List<DeadLetter> dead = new ArrayList<>(trafficDlq.take());
      dead.addAll(detectionDlq.take());
      return new DnsResult(activity.take(), anomalies.take(), dead);
    } finally {
      DNS_INPUTS.remove(run);
    }
  }

  /** What the DNS topic's Kafka source hands over for each transaction, in the recorded order. */
  private static DataGeneratorSource<DnsInput> dnsSource(String run, int count) {
    return new DataGeneratorSource<>(index -> {
      DnsTransaction t = DNS_INPUTS.get(run).get(index.intValue());
      return new DnsInput(DnsExchange.of(t), DnsQuery.of(t), DNS_CODEC.encode(t), null);
    }, count, TypeInformation.of(DnsInput.class));
  }


  static Result run(RecordedInput input, String[] trafficOptions, String[] detectionOptions) throws Exception {
    String run = UUID.randomUUID().toString();
    INPUTS.put(run, input);
    try {
      List<Integer> counted = new ArrayList<>();
      FlowRecordDecoder decoder = new FlowRecordDecoder();
      for (int i = 0; i < input.flows().size(); i++) {
        if (decoder.decode(null, input.flows().get(i).value(), "flows", 0, i).isPresent()) {
          counted.add(i);
        }
      }
      List<Integer> indices = List.copyOf(counted);

      CollectingSink<ServiceTraffic> traffic = new CollectingSink<>("traffic-" + run);
      CollectingSink<DeadLetter> trafficDlq = new CollectingSink<>("traffic-dlq-" + run);
      TrafficAggregationConfig trafficConfig = TrafficAggregationConfig.parse(trafficOptions);
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
          Configuration.fromMap(trafficConfig.flinkConfiguration()));
      env.setParallelism(1);
      DataGeneratorSource<SourceRecord> flows = new DataGeneratorSource<>(index -> {
        int i = indices.get(index.intValue());
        return FLOW_DECODER.get().decode(null, INPUTS.get(run).flows().get(i).value(), "flows", 0, i).orElseThrow();
      }, indices.size(), TypeInformation.of(SourceRecord.class));
      new TrafficAggregationJob(trafficConfig, flows, traffic, trafficDlq).attachTo(env);
      env.execute("parity traffic");

      CollectingSink<PolicyAnomaly> anomalies = new CollectingSink<>("anomalies-" + run);
      CollectingSink<DeadLetter> detectionDlq = new CollectingSink<>("detection-dlq-" + run);
      PolicyAnomalyConfig detectionConfig = PolicyAnomalyConfig.parse(detectionOptions);
      StreamExecutionEnvironment env2 = StreamExecutionEnvironment.getExecutionEnvironment(
          Configuration.fromMap(detectionConfig.flinkConfiguration()));
      env2.setParallelism(1);
      DataGeneratorSource<DetectionRecord> observed = new DataGeneratorSource<>(index -> {
        int i = indices.get(index.intValue());
        return OBSERVED_DECODER.get().decode(null, INPUTS.get(run).flows().get(i).value(), "flows", 0, i).orElseThrow();
      }, indices.size(), TypeInformation.of(DetectionRecord.class));
      WireCodec<dev.flowtel.schema.ClusterState> codec = WireCodec.of(RecordType.CLUSTER_STATE);
      List<ClusterStateChange> changes = new ArrayList<>();
      for (ClusterStateRecord r : input.clusterState()) {
        changes.add(new ClusterStateChange(r.key(), r.value() == null ? null : codec.encode(r.value()), r.at().toEpochMilli(), null));
      }
      List<ClusterStateChange> changeList = List.copyOf(changes);
      DataGeneratorSource<ClusterStateChange> state = new DataGeneratorSource<>(index -> changeList.get(index.intValue()),
          changeList.size(), TypeInformation.of(ClusterStateChange.class));
      CollectingSink<StagedPolicyVerdict> staged = new CollectingSink<>("staged-" + run);
      new PolicyAnomalyJob(detectionConfig, observed, state, anomalies, detectionDlq).stagedVerdictsTo(staged).attachTo(env2);
      env2.execute("parity detection");

      List<DeadLetter> dead = new ArrayList<>(trafficDlq.take());
      dead.addAll(detectionDlq.take());
      return new Result(traffic.take(), anomalies.take(), staged.take(), dead);
    } finally {
      INPUTS.remove(run);
    }
  }
}
