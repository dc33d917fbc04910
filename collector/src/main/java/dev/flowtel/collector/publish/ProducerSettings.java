package dev.flowtel.collector.publish;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka producer configuration of the publisher: what losslessness needs (idempotence,
 * acks=all), the chosen compression, batching for throughput, and a short max.block.ms so that a
 * broker that is away turns into spooling instead of a blocked publisher thread. Whatever the
 * user's {@code --kafka-properties} file says is applied last, unchanged.
 */
public final class ProducerSettings {

  private static final Logger LOG = LoggerFactory.getLogger(ProducerSettings.class);

  /** zstd or lz4; see collector/README.md "Publisher" for the measurement behind the default. */
  public static final String DEFAULT_COMPRESSION = "zstd";

  private ProducerSettings() {}

  public static Map<String, Object> forPublisher(Map<String, Object> clientProperties, String compression) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    // Idempotence keeps per-partition order with up to 5 requests in flight, retries included.
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression.toLowerCase(Locale.ROOT));
    config.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    // send() must not sit for a minute on missing metadata or a full buffer: 250 ms, then the record is spooled.
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "250");
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "flowtel-collector");
    config.putAll(clientProperties);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.ByteArraySerializer");
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.ByteArraySerializer");
    Object acks = config.get(ProducerConfig.ACKS_CONFIG);
    if (!"all".equals(String.valueOf(acks)) && !"-1".equals(String.valueOf(acks))) {
      LOG.warn("--kafka-properties sets acks={}: the broker may lose acknowledged flows when a leader fails; the collector's losslessness assumes acks=all", acks);
    }
    if ("false".equals(String.valueOf(config.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)))) {
      LOG.warn("--kafka-properties sets enable.idempotence=false: retries may duplicate or reorder flows");
    }
    return config;
  }
}
