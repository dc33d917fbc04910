package dev.flowtel.console;

import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.wire.FlowtelTopics;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The console's one typed configuration.
 *
 * @param bindAddress where the page is served; {@value #DEFAULT_BIND} by default, as the page has
 *     no login of its own: put it behind one before binding it wider
 * @param port {@value #DEFAULT_PORT} by default; 0 picks a free one
 * @param indices the prefix the sink writes with
 * @param anomalyCooldown the detection's cooldown (5 min by default): an anomaly last seen longer ago is closed
 * @param kafka the pipeline's Kafka bootstrap servers: the live range is read from its traffic topic;
 *     null reads the live range from Elasticsearch, as every other range
 * @param clock where ranges end; the wall clock but in tests
 * @param kafkaProperties further Kafka client settings (what --kafka-properties holds: TLS, SASL); empty by default
 * @param trafficTopic the ServiceTraffic topic, {@value FlowtelTopics#SERVICE_TRAFFIC} by default
 */
public record ConsoleSettings(String bindAddress, int port, IndexNames indices, Duration anomalyCooldown, String kafka,
    Clock clock, Map<String, Object> kafkaProperties, String trafficTopic) {

  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final int DEFAULT_PORT = 9470;

  public ConsoleSettings {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(indices, "indices");
    Objects.requireNonNull(anomalyCooldown, "anomalyCooldown");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(trafficTopic, "trafficTopic");
    kafkaProperties = Map.copyOf(kafkaProperties);
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("console port " + port + ": expected 0 to 65535");
    }
  }

  /** Settings with no further Kafka client settings, reading the default traffic topic. */
  public ConsoleSettings(String bindAddress, int port, IndexNames indices, Duration anomalyCooldown, String kafka, Clock clock) {
    this(bindAddress, port, indices, anomalyCooldown, kafka, clock, Map.of(), FlowtelTopics.SERVICE_TRAFFIC);
  }
}
