package dev.flowtel.clusterstate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The publisher's durations and Kafka options are read as every Flowtel program reads them. */
class ClusterStatePublisherConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    ClusterStatePublisherConfig config = ClusterStatePublisherConfig.parse();

    assertThat(config.kafkaSettings()).containsEntry("bootstrap.servers", "127.0.0.1:9092");
    assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.resyncReadTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(config.syncTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.watchNodes()).isTrue();
  }

  @Test
  void watchNodesCanBeTurnedOff() {
    assertThat(ClusterStatePublisherConfig.parse("--watch-nodes=false").watchNodes()).isFalse();
    assertThat(ClusterStatePublisherConfig.parse("--watch-nodes").watchNodes()).isTrue();
  }

  @Test
  void durationsTakeEveryFormTheOtherProgramsTake() {
    ClusterStatePublisherConfig config = ClusterStatePublisherConfig.parse("--bootstrap-servers", "kafka:9092",
        "--sync-timeout", "1d", "--resync-read-timeout", "0", "--lease-duration", "PT20S", "--retry-period", "500ms");

    assertThat(config.kafkaSettings()).containsEntry("bootstrap.servers", "kafka:9092");
    assertThat(config.syncTimeout()).isEqualTo(Duration.ofDays(1));
    assertThat(config.resyncReadTimeout()).isZero();
    assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.retryPeriod()).isEqualTo(Duration.ofMillis(500));
  }
}
