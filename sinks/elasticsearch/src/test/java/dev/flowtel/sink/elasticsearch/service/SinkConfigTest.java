package dev.flowtel.sink.elasticsearch.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The sink's options become its service settings; the flush interval is a duration like every other. */
class SinkConfigTest {

  @Test
  void withoutOptionsTheSinkReadsTheLocalKafkaAndFlushesEverySecond() {
    SinkServiceSettings settings = SinkConfig.parse().settings();

    assertThat(settings.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(settings.kafkaProperties()).isNull();
    assertThat(settings.groupId()).isEqualTo("flowtel-es-sink");
    assertThat(settings.writer().flushInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.writer().maxBatchDocuments()).isEqualTo(1000);
    assertThat(settings.writer().maxBatchBytes()).isEqualTo(5_242_880L);
    assertThat(settings.writer().maxInFlightRequests()).isEqualTo(2);
    assertThat(settings.writer().maxPendingDocuments()).isEqualTo(20_000);
    assertThat(settings.indexFlows()).isFalse();
    assertThat(settings.trafficTopic()).isEqualTo("flowtel.service-traffic.v1");
    assertThat(settings.anomaliesTopic()).isEqualTo("flowtel.anomalies.v1");
    assertThat(settings.stagedVerdictsTopic()).isEqualTo("flowtel.staged-verdicts.v1");
    assertThat(settings.dnsTopic()).isEqualTo("flowtel.dns.v1");
  }

  @Test
  void givenOptionsReachTheSettings() {
    SinkServiceSettings settings = SinkConfig.parse("--bootstrap-servers", "kafka:9092", "--kafka-properties", "/etc/k.properties",
        "--group-id", "g", "--flush-interval", "250ms", "--batch-size", "50", "--max-pending", "10", "--flows",
        "--flow-sample", "7", "--staged-verdicts-topic", "team.staged", "--dns-topic", "team.dns").settings();

    assertThat(settings.bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(settings.kafkaProperties()).isEqualTo(Path.of("/etc/k.properties"));
    assertThat(settings.groupId()).isEqualTo("g");
    assertThat(settings.writer().flushInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(settings.writer().maxBatchDocuments()).isEqualTo(50);
    assertThat(settings.writer().maxPendingDocuments()).isEqualTo(50); // never below one batch
    assertThat(settings.indexFlows()).isTrue();
    assertThat(settings.flowSampleOneIn()).isEqualTo(7);
    assertThat(settings.stagedVerdictsTopic()).isEqualTo("team.staged");
    assertThat(settings.dnsTopic()).isEqualTo("team.dns");
    assertThat(settings.withTopics("t", "a", "f", "d").dnsTopic()).as("kept by the other topics' setter").isEqualTo("team.dns");
    assertThat(settings.withTopics("t", "a", "f", "d").stagedVerdictsTopic()).as("kept by the other topics' setter").isEqualTo("team.staged");
  }

  @Test
  void aFlushIntervalWithoutUnitIsRefusedWithTheFormsItTakes() {
    assertThatThrownBy(() -> SinkConfig.parse("--flush-interval", "1000"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--flush-interval")
        .hasMessageContaining("needs a unit");
    assertThatThrownBy(() -> SinkConfig.parse("--flush-interval-ms", "1000"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--flush-interval-ms");
  }
}
