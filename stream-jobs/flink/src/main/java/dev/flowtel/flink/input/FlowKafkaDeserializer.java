package dev.flowtel.flink.input;

import java.util.Optional;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the flows topic: decodes and classifies inside the source, so the job never ships whole
 * FlowEvents between operators, and keeps Kafka's topic, partition and offset for dead letters.
 */
public final class FlowKafkaDeserializer implements KafkaRecordDeserializationSchema<SourceRecord> {

  private static final long serialVersionUID = 1L;

  private transient FlowRecordDecoder decoder;
  private transient Counter flowsIn;
  private transient Counter duplicateObservations;
  private transient Counter undecodable;

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    decoder = new FlowRecordDecoder();
    flowsIn = context.getMetricGroup().counter("flowsIn");
    duplicateObservations = context.getMetricGroup().counter("duplicateObservations");
    undecodable = context.getMetricGroup().counter("undecodable");
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SourceRecord> out) {
    flowsIn.inc();
    Optional<SourceRecord> decoded = decoder.decode(record.key(), record.value(), record.topic(), record.partition(),
        record.offset());
    if (decoded.isEmpty()) {
      duplicateObservations.inc();
      return;
    }
    if (decoded.get().deadLetter() != null) {
      undecodable.inc();
    }
    out.collect(decoded.get());
  }

  @Override
  public TypeInformation<SourceRecord> getProducedType() {
    return TypeInformation.of(SourceRecord.class);
  }
}
