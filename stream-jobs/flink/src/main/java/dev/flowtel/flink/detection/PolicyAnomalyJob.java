package dev.flowtel.flink.detection;

import dev.flowtel.core.anomaly.DetectionConfig;
import dev.flowtel.core.anomaly.Detector;
import dev.flowtel.core.anomaly.DetectorGroup;
import dev.flowtel.core.anomaly.Detectors;
import dev.flowtel.core.anomaly.Grouping;
import dev.flowtel.core.dns.DnsDetectors;
import dev.flowtel.core.dns.DnsQuery;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.flink.config.FlinkJobOptions;
import dev.flowtel.flink.config.FlowInputOptions;
import dev.flowtel.flink.config.FlowtelJob;
import dev.flowtel.flink.config.JobEnvironment;
import dev.flowtel.flink.dns.DnsInput;
import dev.flowtel.flink.dns.DnsKafka;
import dev.flowtel.flink.elasticsearch.ElasticsearchSink;
import dev.flowtel.flink.input.DeadLetter;
import dev.flowtel.flink.input.FlowWatermarks;
import dev.flowtel.flink.kafka.FlowtelKafka;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.StagedPolicyVerdict;
import dev.flowtel.sink.elasticsearch.document.AnomalyDocuments;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.metrics.Counter;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The streaming detection pipeline: flows (decoded, duplicates dropped, in the source) are keyed
 * three ways for the three detector groupings (service edge, with the cluster state broadcast for
 * policy judgements; client address for scans and sweeps; client workload for external egress),
 * DNS transactions (with {@link #withDns}) are keyed by client for the DNS detectors, and every anomaly revision goes to the anomaly sink, keyed by its id. Sources and sinks come from
 * outside, so the same job runs on Kafka and on bounded inputs with collecting sinks in tests.
 */
public final class PolicyAnomalyJob implements FlowtelJob {

  public static final String JOB_NAME = "flowtel-policy-anomaly";
  static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

  private final PolicyAnomalyConfig config;
  private final Source<DetectionRecord, ?, ?> flows;
  private final Source<ClusterStateChange, ?, ?> clusterState;
  private final Sink<PolicyAnomaly> anomalySink;
  private final Sink<DeadLetter> deadLetterSink;
  private final java.util.List<Sink<PolicyAnomaly>> moreAnomalySinks = new java.util.ArrayList<>();
  private final java.util.List<Sink<StagedPolicyVerdict>> stagedVerdictSinks = new java.util.ArrayList<>();
  private final UnaryOperator<DataStream<ObservedFlow>> flowsTap;
  private Source<DnsInput, ?, ?> dnsSource;

  public PolicyAnomalyJob(PolicyAnomalyConfig config, Source<DetectionRecord, ?, ?> flows,
      Source<ClusterStateChange, ?, ?> clusterState, Sink<PolicyAnomaly> anomalySink, Sink<DeadLetter> deadLetterSink) {
    this(config, flows, clusterState, anomalySink, deadLetterSink, UnaryOperator.identity());
  }

  /** {@code flowsTap} sees the decoded flows before the detectors; tests use it to inject failures. */
  public PolicyAnomalyJob(PolicyAnomalyConfig config, Source<DetectionRecord, ?, ?> flows,
      Source<ClusterStateChange, ?, ?> clusterState, Sink<PolicyAnomaly> anomalySink, Sink<DeadLetter> deadLetterSink,
      UnaryOperator<DataStream<ObservedFlow>> flowsTap) {
    this.config = config;
    this.flows = flows;
    this.clusterState = clusterState;
    this.anomalySink = anomalySink;
    this.deadLetterSink = deadLetterSink;
    this.flowsTap = flowsTap;
  }

  /**
   * Writes anomalies to {@code sink} as well (Elasticsearch, say), beside the Kafka topic; call
   * before {@link #attachTo}. A Sink V2 writer flushes on every checkpoint, so a checkpoint
   * completes only once the documents are acknowledged.
   */
  public PolicyAnomalyJob alsoTo(Sink<PolicyAnomaly> sink) {
    moreAnomalySinks.add(sink);
    return this;
  }

  /** Writes what the staged policies would do to {@code sink}; call before {@link #attachTo}. */
  public PolicyAnomalyJob stagedVerdictsTo(Sink<StagedPolicyVerdict> sink) {
    stagedVerdictSinks.add(sink);
    return this;
  }

  /**
   * Runs the DNS detectors (NXDOMAIN_SPIKE, DNS_TUNNEL) on the DNS transactions of {@code source} as
   * well, keyed by client; call before {@link #attachTo}. Their anomalies join the others.
   */
  public PolicyAnomalyJob withDns(Source<DnsInput, ?, ?> source) {
    this.dnsSource = source;
    return this;
  }

  /** The job wired to Kafka as configured: what a Flink cluster runs. */
  public static PolicyAnomalyJob onKafka(PolicyAnomalyConfig config) {
    Properties client = config.kafka().properties();
    FlowInputOptions input = config.input();
    FlinkJobOptions run = config.job();
    PolicyAnomalyJob job = new PolicyAnomalyJob(config,
        DetectionKafka.flowSource(client, input.flowsTopic(), input.groupId(), run.startingOffsets(), run.bounded()),
        DetectionKafka.clusterStateSource(client, config.clusterStateTopic(), input.groupId() + "-cluster-state",
            run.bounded()),
        DetectionKafka.anomalySink(client, config.anomaliesTopic(), run.exactlyOnce(), run.transactionTimeout(),
            input.groupId() + "-anomalies"),
        FlowtelKafka.deadLetterSink(client, input.deadLetterTopic(), run.exactlyOnce(), run.transactionTimeout(),
            input.groupId() + "-dlq"));
    ElasticsearchSink.asConfigured(config.elasticsearch(), AnomalyDocuments::new).ifPresent(job::alsoTo);
    job.stagedVerdictsTo(DetectionKafka.stagedVerdictSink(client, config.stagedVerdictsTopic(), run.exactlyOnce(),
        run.transactionTimeout(), input.groupId() + "-staged"));
    if (config.dnsDetection() && DnsKafka.topicExists(client, config.dnsTopic(), "dns-detection")) {
      job.withDns(DnsKafka.source(client, config.dnsTopic(), input.groupId() + "-dns", run.startingOffsets(), run.bounded(),
          JOB_NAME));
    }
    return job;
  }

  static void runOnKafka(PolicyAnomalyConfig config) throws Exception {
    JobEnvironment.run(onKafka(config), config.flinkConfiguration(), JOB_NAME);
  }

  @Override
  public void configure(StreamExecutionEnvironment env) {
    JobEnvironment.configure(env, config.job());
  }

  @Override
  public void attachTo(StreamExecutionEnvironment env) {
    DetectionConfig detection = config.detectionConfig();
    long learningStart = config.detection().learningStartMillis();
    WatermarkStrategy<DetectionRecord> watermarks = FlowWatermarks.strategy(config.eventTime().maxOutOfOrderness(),
        config.eventTime().idleness(), r -> r.flow() != null);
    SingleOutputStreamOperator<ObservedFlow> observed = env.fromSource(flows, watermarks, "flows").uid("anomaly-flows-source")
        .process(new SplitDeadLetters()).uid("flow-dead-letters").name("dead letters")
        .returns(TypeInformation.of(ObservedFlow.class));

    // The cluster state's watermark follows observedAt; once the compacted topic goes quiet it is
    // idle and stops holding back the edge detectors' event time.
    WatermarkStrategy<ClusterStateChange> stateWatermarks = WatermarkStrategy
        .<ClusterStateChange>forMonotonousTimestamps()
        .withTimestampAssigner((change, kafkaTimestamp) -> change.observedAtMillis())
        .withIdleness(config.eventTime().idleness());
    SingleOutputStreamOperator<ClusterStateChange> changes = env.fromSource(clusterState, stateWatermarks, "cluster-state")
        .uid("cluster-state-source")
        .process(new SplitClusterStateDeadLetters()).uid("cluster-state-dead-letters").name("cluster-state dead letters");
    BroadcastStream<ClusterStateChange> broadcastState = changes.broadcast(EdgeDetectionFunction.CLUSTER_STATE);

    AvroTypeInfo<PolicyAnomaly> anomalyType = new AvroTypeInfo<>(PolicyAnomaly.class);
    DataStream<ObservedFlow> tapped = flowsTap.apply(observed);
    SingleOutputStreamOperator<PolicyAnomaly> edgeAnomalies = tapped.keyBy(ObservedFlow::edgeKey)
        .connect(broadcastState)
        .process(new EdgeDetectionFunction(detection, learningStart, config.stagedWindows()), anomalyType)
        .uid("edge-detectors").name("edge detectors: " + names(Grouping.EDGE, detection));
    DataStream<StagedPolicyVerdict> stagedVerdicts = edgeAnomalies.getSideOutput(EdgeDetectionFunction.STAGED_VERDICTS);
    for (int i = 0; i < stagedVerdictSinks.size(); i++) {
      stagedVerdicts.sinkTo(stagedVerdictSinks.get(i)).uid("staged-verdict-sink" + (i == 0 ? "" : "-" + i))
          .name("staged policy verdicts");
    }
    DataStream<PolicyAnomaly> anomalies = edgeAnomalies
        .union(keyed(tapped, Grouping.CLIENT_ADDRESS, detection, learningStart, anomalyType, "probe-detectors"))
        .union(keyed(tapped, Grouping.CLIENT_WORKLOAD, detection, learningStart, anomalyType, "egress-detectors"));
    DataStream<DeadLetter> deadLetters = observed.getSideOutput(DEAD_LETTERS).union(changes.getSideOutput(DEAD_LETTERS));
    if (dnsSource != null) {
      SingleOutputStreamOperator<DnsQuery> queries = dnsQueries(env);
      anomalies = anomalies.union(queries.keyBy(DnsQuery::clientKey)
          .process(new DnsDetectionFunction(config.dnsDetectionConfig(), detection, learningStart), anomalyType)
          .uid("dns-detectors").name("DNS detectors: " + DnsDetectors.ANOMALY_TYPES.stream().map(Enum::name).sorted()
              .collect(java.util.stream.Collectors.joining(", "))));
    }
    anomalies.sinkTo(anomalySink).uid("anomaly-sink").name("anomalies");
    for (int i = 0; i < moreAnomalySinks.size(); i++) {
      anomalies.sinkTo(moreAnomalySinks.get(i)).uid("anomaly-sink-" + (i + 1)).name("anomalies (" + (i + 1) + ")");
    }
    deadLetters.sinkTo(deadLetterSink).uid("anomaly-dead-letter-sink").name("dead letters");
  }

  /**
   * DNS queries with the flows' watermark rules. Undecodable records are counted and dropped, not
   * dead-lettered: the traffic job reads the same topic and its DNS activity pipeline dead-letters
   * them, so one poison record gives one dead letter, not one per job.
   */
  private SingleOutputStreamOperator<DnsQuery> dnsQueries(StreamExecutionEnvironment env) {
    WatermarkStrategy<DnsInput> watermarks = FlowWatermarks.strategy(config.eventTime().maxOutOfOrderness(),
        config.eventTime().idleness(), r -> r.query() != null);
    return env.fromSource(dnsSource, watermarks, "dns").uid("anomaly-dns-source")
        .process(new DropUndecodableDns()).uid("dns-decoded").name("DNS queries (undecodable ones dropped)")
        .returns(TypeInformation.of(DnsQuery.class));
  }

  private static DataStream<PolicyAnomaly> keyed(DataStream<ObservedFlow> observed, Grouping grouping,
      DetectionConfig detection, long learningStart, AvroTypeInfo<PolicyAnomaly> type, String uid) {
    List<Detector<?>> detectors = Detectors.of(grouping, detection);
    return observed.filter(new AcceptedBy(detectors)).uid(uid + "-filter").name("flows for " + names(grouping, detection))
        .keyBy(grouping::key)
        .process(new KeyedDetectionFunction(detection, grouping, learningStart), type)
        .uid(uid).name(uid.replace('-', ' ') + ": " + names(grouping, detection));
  }

  private static String names(Grouping grouping, DetectionConfig detection) {
    return String.join(", ", Detectors.of(grouping, detection).stream().map(d -> d.type().name()).toList());
  }

  /** Passes the flows at least one of the detectors needs, so each shuffle carries only those. */
  static final class AcceptedBy implements FilterFunction<ObservedFlow> {
    private static final long serialVersionUID = 1L;
    private final List<Detector<?>> detectors;
    private transient DetectorGroup group;

    AcceptedBy(List<Detector<?>> detectors) {
      this.detectors = detectors;
    }

    @Override
    public boolean filter(ObservedFlow flow) {
      if (group == null) {
        group = new DetectorGroup(detectors);
      }
      return group.accepts(flow);
    }
  }

  /** Dead letters of the flows source to the side output, flows on. */
  static final class SplitDeadLetters extends ProcessFunction<DetectionRecord, ObservedFlow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(DetectionRecord record, Context ctx, Collector<ObservedFlow> out) {
      if (record.deadLetter() != null) {
        ctx.output(DEAD_LETTERS, record.deadLetter());
      } else {
        out.collect(record.flow());
      }
    }
  }

  /** Queries on; undecodable records counted in dnsUndecodableDropped and dropped (the traffic job dead-letters them). */
  static final class DropUndecodableDns extends ProcessFunction<DnsInput, DnsQuery> {
    private static final long serialVersionUID = 1L;
    private transient Counter dropped;

    @Override
    public void open(OpenContext context) {
      dropped = getRuntimeContext().getMetricGroup().counter("dnsUndecodableDropped");
    }

    @Override
    public void processElement(DnsInput input, Context ctx, Collector<DnsQuery> out) {
      if (input.deadLetter() != null) {
        dropped.inc();
      } else {
        out.collect(input.query());
      }
    }
  }

  static final class SplitClusterStateDeadLetters extends ProcessFunction<ClusterStateChange, ClusterStateChange> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(ClusterStateChange change, Context ctx, Collector<ClusterStateChange> out) {
      if (change.deadLetter() != null) {
        ctx.output(DEAD_LETTERS, change.deadLetter());
      } else {
        out.collect(change);
      }
    }
  }
}
