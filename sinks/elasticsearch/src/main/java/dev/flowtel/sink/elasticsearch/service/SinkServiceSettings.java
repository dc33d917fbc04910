package dev.flowtel.sink.elasticsearch.service;

import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.sink.elasticsearch.writer.WriterSettings;
import dev.flowtel.wire.FlowtelTopics;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Every option of the standalone sink ({@code ./flowtel sink}), with its default; the command's
 * {@code --help} and sinks/elasticsearch/README.md use the same names.
 *
 * @param bootstrapServers    Kafka bootstrap servers (a bootstrap.servers in kafkaProperties wins)
 * @param kafkaProperties     a Kafka client properties file (TLS, SASL, ...), passed to the clients unchanged; may be null
 * @param groupId             consumer group; its committed offsets are where a restarted sink resumes
 * @param elasticsearch       URL, credentials and CA of Elasticsearch
 * @param names               index name prefix
 * @param writer              batching, in-flight, memory and retry limits
 * @param indexFlows          also consume the raw flow topic and index sampled flows (off by default)
 * @param flowSampleOneIn     with indexFlows, keep one flow in this many
 * @param trafficTopic        ServiceTraffic topic
 * @param anomaliesTopic      PolicyAnomaly topic
 * @param stagedVerdictsTopic StagedPolicyVerdict topic ({@value FlowtelTopics#STAGED_VERDICTS} by default): what staged
 *                            NetworkPolicies would do, indexed beside the traffic
 * @param flowsTopic          FlowEvent topic
 * @param dnsTopic            DnsTransaction topic ({@value FlowtelTopics#DNS} by default), consumed with indexFlows: DNS
 *                            transactions are raw events like flows, and their index template comes with the flows'
 * @param deadLetterTopic     where undecodable and rejected records go
 * @param pollTimeout         longest wait for new records in one poll
 */
public record SinkServiceSettings(String bootstrapServers, Path kafkaProperties, String groupId, ElasticsearchConnection elasticsearch,
    IndexNames names, WriterSettings writer, boolean indexFlows, int flowSampleOneIn, String trafficTopic, String anomaliesTopic,
    String stagedVerdictsTopic, String flowsTopic, String deadLetterTopic, Duration pollTimeout, String dnsTopic) {

  public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
  public static final String DEFAULT_GROUP_ID = "flowtel-es-sink";
  public static final int DEFAULT_FLOW_SAMPLE_ONE_IN = 100;

  public static SinkServiceSettings defaults(String bootstrapServers, ElasticsearchConnection elasticsearch) {
    return new SinkServiceSettings(bootstrapServers, null, DEFAULT_GROUP_ID, elasticsearch, IndexNames.defaults(), WriterSettings.defaults(),
        false, DEFAULT_FLOW_SAMPLE_ONE_IN, FlowtelTopics.SERVICE_TRAFFIC, FlowtelTopics.ANOMALIES, FlowtelTopics.STAGED_VERDICTS,
        FlowtelTopics.FLOWS, FlowtelTopics.DLQ, Duration.ofMillis(500), FlowtelTopics.DNS);
  }

  public SinkServiceSettings withGroupId(String group) {
    return new SinkServiceSettings(bootstrapServers, kafkaProperties, group, elasticsearch, names, writer, indexFlows, flowSampleOneIn,
        trafficTopic, anomaliesTopic, stagedVerdictsTopic, flowsTopic, deadLetterTopic, pollTimeout, dnsTopic);
  }

  public SinkServiceSettings withNames(IndexNames newNames) {
    return new SinkServiceSettings(bootstrapServers, kafkaProperties, groupId, elasticsearch, newNames, writer, indexFlows, flowSampleOneIn,
        trafficTopic, anomaliesTopic, stagedVerdictsTopic, flowsTopic, deadLetterTopic, pollTimeout, dnsTopic);
  }

  public SinkServiceSettings withWriter(WriterSettings newWriter) {
    return new SinkServiceSettings(bootstrapServers, kafkaProperties, groupId, elasticsearch, names, newWriter, indexFlows, flowSampleOneIn,
        trafficTopic, anomaliesTopic, stagedVerdictsTopic, flowsTopic, deadLetterTopic, pollTimeout, dnsTopic);
  }

  public SinkServiceSettings withFlows(boolean flows, int sampleOneIn) {
    return new SinkServiceSettings(bootstrapServers, kafkaProperties, groupId, elasticsearch, names, writer, flows, sampleOneIn,
        trafficTopic, anomaliesTopic, stagedVerdictsTopic, flowsTopic, deadLetterTopic, pollTimeout, dnsTopic);
  }

  public SinkServiceSettings withKafkaProperties(Path file) {
    return new SinkServiceSettings(bootstrapServers, file, groupId, elasticsearch, names, writer, indexFlows, flowSampleOneIn,
        trafficTopic, anomaliesTopic, stagedVerdictsTopic, flowsTopic, deadLetterTopic, pollTimeout, dnsTopic);
  }

  /** Other topics than the defaults; the staged-verdicts topic stays what it was (see {@link #withStagedVerdictsTopic}). */
  public SinkServiceSettings withTopics(String traffic, String anomalies, String flows, String deadLetters) {
    return new SinkServiceSettings(bootstrapServers, kafkaProperties, groupId, elasticsearch, names, writer, indexFlows, flowSampleOneIn,
        traffic, anomalies, stagedVerdictsTopic, flows, deadLetters, pollTimeout, dnsTopic);
  }

  public SinkServiceSettings withStagedVerdictsTopic(String stagedVerdicts) {
    return new SinkServiceSettings(bootstrapServers, kafkaProperties, groupId, elasticsearch, names, writer, indexFlows, flowSampleOneIn,
        trafficTopic, anomaliesTopic, stagedVerdicts, flowsTopic, deadLetterTopic, pollTimeout, dnsTopic);
  }

  public SinkServiceSettings withDnsTopic(String dns) {
    return new SinkServiceSettings(bootstrapServers, kafkaProperties, groupId, elasticsearch, names, writer, indexFlows, flowSampleOneIn,
        trafficTopic, anomaliesTopic, stagedVerdictsTopic, flowsTopic, deadLetterTopic, pollTimeout, dns);
  }
}
