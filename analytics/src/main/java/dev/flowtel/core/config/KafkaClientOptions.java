package dev.flowtel.core.config;

import dev.flowtel.wire.kafka.KafkaClientProperties;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * {@code --bootstrap-servers} and {@code --kafka-properties}, the Kafka connection options of every
 * Flowtel program (a picocli mixin), and the one way they become client settings: the properties
 * file over the bootstrap servers (see {@link KafkaClientProperties}).
 */
public final class KafkaClientOptions implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Where a program looks for Kafka when it is not told. */
  public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";

  @Option(names = "--bootstrap-servers", defaultValue = DEFAULT_BOOTSTRAP_SERVERS, description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(names = "--kafka-properties", paramLabel = "<file>",
      description = "Kafka client properties file (TLS, SASL, ...), passed to the Kafka clients unchanged; "
          + "what it sets (bootstrap.servers too) wins over the options. Default: none.")
  Path kafkaProperties;

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The --kafka-properties file, or null. */
  public Path kafkaProperties() {
    return kafkaProperties;
  }

  /** Client settings: the properties file over the bootstrap servers; a fresh, modifiable map. */
  public Map<String, Object> settings() {
    return KafkaClientProperties.load(bootstrapServers, kafkaProperties);
  }

  /** {@link #settings()} with {@code bootstrapServers} in place of --bootstrap-servers (the file still wins). */
  public Map<String, Object> settings(String bootstrapServers) {
    return KafkaClientProperties.load(bootstrapServers, kafkaProperties);
  }

  /** {@link #settings()} as Properties, for clients and connectors that take those. */
  public Properties properties() {
    Properties properties = new Properties();
    properties.putAll(settings());
    return properties;
  }
}
