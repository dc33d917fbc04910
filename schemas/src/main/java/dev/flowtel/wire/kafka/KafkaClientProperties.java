package dev.flowtel.wire.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The {@code --kafka-properties <file>} of every Flowtel program: a standard Kafka client
 * properties file (security.protocol, ssl.*, sasl.*, ...) passed to the Kafka clients unchanged,
 * so TLS and SASL are configured the way Kafka users already know.
 */
public final class KafkaClientProperties {

  private KafkaClientProperties() {}

  /**
   * Client settings from {@code file} (if given) on top of {@code bootstrapServers}; a
   * {@code bootstrap.servers} in the file wins over the command line's default.
   */
  public static Map<String, Object> load(String bootstrapServers, Path file) {
    Map<String, Object> settings = new HashMap<>();
    if (bootstrapServers != null) {
      settings.put("bootstrap.servers", bootstrapServers);
    }
    if (file != null) {
      Properties properties = new Properties();
      try (Reader reader = Files.newBufferedReader(file)) {
        properties.load(reader);
      } catch (IOException e) {
        throw new IllegalArgumentException("--kafka-properties " + file + ": cannot read: " + e.getMessage(), e);
      }
      properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name).trim()));
    }
    if (!settings.containsKey("bootstrap.servers")) {
      throw new IllegalArgumentException("no Kafka bootstrap servers: give --bootstrap-servers or bootstrap.servers in --kafka-properties");
    }
    return settings;
  }
}
