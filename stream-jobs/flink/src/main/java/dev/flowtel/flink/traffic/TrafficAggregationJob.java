package dev.flowtel.flink.traffic;

import dev.flowtel.core.dns.activity.DnsActivityOptions;
import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.flink.config.FlinkJobOptions;
import dev.flowtel.flink.config.FlowInputOptions;
import dev.flowtel.flink.config.FlowtelJob;
import dev.flowtel.flink.config.JobEnvironment;
import dev.flowtel.flink.dns.DnsActivityPipeline;
import dev.flowtel.flink.dns.DnsInput;
import dev.flowtel.flink.dns.DnsKafka;
import dev.flowtel.flink.elasticsearch.ElasticsearchSink;
import dev.flowtel.flink.input.DeadLetter;
import dev.flowtel.flink.input.FlowRecordDecoder;
import dev.flowtel.flink.input.FlowWatermarks;
import dev.flowtel.flink.input.LateFlowFilter;
import dev.flowtel.flink.input.SourceRecord;
import dev.flowtel.flink.kafka.FlowtelKafka;
import dev.flowtel.flink.types.ClassifiedFlowSerializer;
import dev.flowtel.flink.types.TrafficAccumulatorSerializer;
import dev.flowtel.schema.DnsActivity;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.sink.elasticsearch.document.TrafficDocuments;
import dev.flowtel.wire.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;

/**
 * The traffic aggregation pipeline: flows (decoded and classified in the source) pass the
 * lateness check, are keyed by service edge and summed into tumbling windows and rollups,
 * ServiceTraffic goes to the traffic sink and everything set aside to the dead-letter sink; with
 * {@link #withDns}, DNS transactions become DnsActivity beside it ({@link DnsActivityPipeline}). The
 * source and sinks come from outside, so the same job runs on Kafka in production and on bounded
 * inputs with collecting sinks in tests.
 */
public final class TrafficAggregationJob implements FlowtelJob {

  static final OutputTag<EdgeFlowBatch> LATE_IN_WINDOW = new OutputTag<>("late-in-window") {};

  /** Bound on the flows each source task holds back for pre-combining (about 100 bytes each). */
  static final int MAX_PRE_COMBINED_FLOWS = 50_000;

  private final TrafficAggregationConfig config;
  private final Source<SourceRecord, ?, ?> source;
  private final Sink<ServiceTraffic> trafficSink;
  private final Sink<DeadLetter> deadLetterSink;
  private final UnaryOperator<DataStream<ClassifiedFlow>> flowsTap;
  private final List<Sink<ServiceTraffic>> moreTrafficSinks = new ArrayList<>();
  private Source<DnsInput, ?, ?> dnsSource;
  private Sink<DnsActivity> dnsActivitySink;

  public TrafficAggregationJob(TrafficAggregationConfig config, Source<SourceRecord, ?, ?> source,
      Sink<ServiceTraffic> trafficSink, Sink<DeadLetter> deadLetterSink) {
    this(config, source, trafficSink, deadLetterSink, UnaryOperator.identity());
  }

  /** {@code flowsTap} sees the checked flows before the shuffle; tests use it to inject failures. */
  public TrafficAggregationJob(TrafficAggregationConfig config, Source<SourceRecord, ?, ?> source,
      Sink<ServiceTraffic> trafficSink, Sink<DeadLetter> deadLetterSink, UnaryOperator<DataStream<ClassifiedFlow>> flowsTap) {
    this.config = config;
    this.source = source;
    this.trafficSink = trafficSink;
    this.deadLetterSink = deadLetterSink;
    this.flowsTap = flowsTap;
  }

  public static final String JOB_NAME = "flowtel-traffic-aggregation";

  /** The job wired to Kafka as configured: what a Flink cluster runs. */
  public static TrafficAggregationJob onKafka(TrafficAggregationConfig config) {
    return onKafka(config, UnaryOperator.identity());
  }

  /** The Kafka-wired job with {@code flowsTap} on the checked flows (benchmarks time them there). */
  public static TrafficAggregationJob onKafka(TrafficAggregationConfig config,
      UnaryOperator<DataStream<ClassifiedFlow>> flowsTap) {
    Properties client = config.kafka().properties();
    FlowInputOptions input = config.input();
    FlinkJobOptions run = config.job();
    TrafficAggregationJob job = new TrafficAggregationJob(config,
        FlowtelKafka.flowSource(client, input.flowsTopic(), input.groupId(), run.startingOffsets(), run.bounded()),
        FlowtelKafka.trafficSink(client, config.trafficTopic(), run.exactlyOnce(), run.transactionTimeout(),
            input.groupId() + "-traffic"),
        FlowtelKafka.deadLetterSink(client, input.deadLetterTopic(), run.exactlyOnce(), run.transactionTimeout(),
            input.groupId() + "-dlq"), flowsTap);
    ElasticsearchSink.asConfigured(config.elasticsearch(), TrafficDocuments::new).ifPresent(job::alsoTo);
    DnsActivityOptions dns = config.dns();
    if (dns.enabled() && DnsKafka.topicExists(client, dns.dnsTopic(), "dns-activity")) {
      job.withDns(DnsKafka.source(client, dns.dnsTopic(), input.groupId() + "-dns", run.startingOffsets(), run.bounded(),
              FlowRecordDecoder.PRODUCER),
          DnsKafka.activitySink(client, dns.activityTopic(), run.exactlyOnce(), run.transactionTimeout(),
              input.groupId() + "-dns-activity"));
    }
    return job;
  }

  /** Writes ServiceTraffic to {@code sink} as well (Elasticsearch, say); call before {@link #attachTo}. */
  public TrafficAggregationJob alsoTo(Sink<ServiceTraffic> sink) {
    moreTrafficSinks.add(sink);
    return this;
  }

  /**
   * Aggregates DNS transactions from {@code source} into DnsActivity rows to {@code sink} as well
   * (see {@link DnsActivityPipeline}); call before {@link #attachTo}. Their dead letters go to the
   * job's dead-letter sink.
   */
  public TrafficAggregationJob withDns(Source<DnsInput, ?, ?> source, Sink<DnsActivity> sink) {
    this.dnsSource = source;
    this.dnsActivitySink = sink;
    return this;
  }

  /** Runs the Kafka-wired job in the current execution environment (the cluster's, or a local MiniCluster). */
  static void runOnKafka(TrafficAggregationConfig config) throws Exception {
    JobEnvironment.run(onKafka(config), config.flinkConfiguration(), JOB_NAME);
  }

  /** Checkpointing and parallelism as configured; restart strategy and object reuse come from {@link TrafficAggregationConfig#flinkConfiguration()}. */
  @Override
  public void configure(StreamExecutionEnvironment env) {
    JobEnvironment.configure(env, config.job());
  }

  /** Adds the pipeline to {@code env}. */
  @Override
  public void attachTo(StreamExecutionEnvironment env) {
    DataStream<SourceRecord> records = readFlows(env);

    SingleOutputStreamOperator<ClassifiedFlow> checked = records
        .process(new LateFlowFilter(config.windows().window().toMillis(), config.windows().allowedLateness().toMillis()), ClassifiedFlowSerializer.TYPE)
        .uid("late-flow-filter").name("dead letters and late flows");
    DataStream<DeadLetter> deadLetters = checked.getSideOutput(LateFlowFilter.DEAD_LETTERS);
    DataStream<ClassifiedFlow> flows = flowsTap.apply(checked);

    long pane = EdgePreCombiner.paneMillis(config.windows().window().toMillis(), config.windows().rollup().toMillis());
    KeyedStream<EdgeFlowBatch, String> byEdge = flows
        .transform("pre-combine per edge and " + Duration.ofMillis(pane), EdgeFlowBatchSerializer.TYPE,
            new EdgePreCombiner(pane, MAX_PRE_COMBINED_FLOWS))
        .uid("edge-pre-combiner")
        .keyBy(EdgeFlowBatch::edgeKey);
    SingleOutputStreamOperator<ServiceTraffic> traffic = windows(byEdge, config.windows().window(), "traffic-window");
    DataStream<ServiceTraffic> allTraffic = traffic;
    deadLetters = deadLetters.union(traffic.getSideOutput(LATE_IN_WINDOW).map(TrafficAggregationJob::lateInWindow)
        .returns(TypeInformation.of(DeadLetter.class)).name("late after the shuffle"));
    if (!config.windows().rollup().isZero()) {
      SingleOutputStreamOperator<ServiceTraffic> rollup = windows(byEdge, config.windows().rollup(), "traffic-rollup");
      allTraffic = allTraffic.union(rollup);
    }
    allTraffic.sinkTo(trafficSink).uid("traffic-sink").name("service traffic");
    for (int i = 0; i < moreTrafficSinks.size(); i++) {
      allTraffic.sinkTo(moreTrafficSinks.get(i)).uid("traffic-sink-" + (i + 1)).name("service traffic " + (i + 1));
    }
    if (dnsSource != null) {
      DnsActivityPipeline.Streams dns = DnsActivityPipeline.attach(env, dnsSource, config.dns(), config.windows(),
          FlowRecordDecoder.PRODUCER);
      dns.activity().sinkTo(dnsActivitySink).uid("dns-activity-sink").name("DNS activity");
      deadLetters = deadLetters.union(dns.deadLetters());
    }
    deadLetters.sinkTo(deadLetterSink).uid("dead-letter-sink").name("dead letters");
  }

  /**
   * The job's source as {@link #attachTo} adds it, with its watermarks: what every flow costs before
   * the job does anything with it (the traffic bench times it alone, as the Flink source's ceiling).
   */
  public DataStream<SourceRecord> readFlows(StreamExecutionEnvironment env) {
    WatermarkStrategy<SourceRecord> watermarks = FlowWatermarks.strategy(config.windows().maxOutOfOrderness(),
        config.windows().idleness(), r -> r.flow() != null);
    return env.fromSource(source, watermarks, "flows").uid("flows-source");
  }

  private SingleOutputStreamOperator<ServiceTraffic> windows(KeyedStream<EdgeFlowBatch, String> byEdge, Duration size, String uid) {
    return byEdge
        .window(TumblingEventTimeWindows.of(size))
        .trigger(new LateUpdateTrigger())
        .allowedLateness(config.windows().allowedLateness())
        .sideOutputLateData(LATE_IN_WINDOW)
        .aggregate(new TrafficAggregate(), new TrafficWindowResult(), TrafficAccumulatorSerializer.TYPE,
            TrafficAccumulatorSerializer.TYPE, new AvroTypeInfo<>(ServiceTraffic.class))
        .uid(uid).name(uid + " " + size);
  }

  /**
   * The lateness filter runs before the shuffle on a watermark never behind the window's, so this
   * should stay empty; if it ever is not, the flow is still accounted for, as a description.
   */
  private static DeadLetter lateInWindow(EdgeFlowBatch batch) {
    StringBuilder description = new StringBuilder();
    for (ClassifiedFlow flow : batch.flows()) {
      description.append(flow.edgeKey()).append(" flow ending ").append(java.time.Instant.ofEpochMilli(flow.eventTimeMillis()))
          .append(": ").append(flow.bytes()).append(" bytes, ").append(flow.packets()).append(" packets")
          .append(flow.reply() ? " (reply)" : "").append('\n');
    }
    return new DeadLetter(batch.edgeKey().getBytes(StandardCharsets.UTF_8), description.toString().getBytes(StandardCharsets.UTF_8),
        DeadLetterHeaders.REASON_LATE, "late at the window operator; the value describes the flow", null, -1, -1,
        FlowRecordDecoder.PRODUCER);
  }
}
