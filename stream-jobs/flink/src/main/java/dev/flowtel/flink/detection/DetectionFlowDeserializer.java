package dev.flowtel.flink.detection;

import java.util.Optional;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads the flows topic for detection: decodes and drops duplicate observations inside the source. */
public final class DetectionFlowDeserializer implements KafkaRecordDeserializationSchema<DetectionRecord> {

  private static final long serialVersionUID = 1L;

  private transient ObservedFlowDecoder decoder;
  private transient Counter flowsIn;
  private transient Counter undecodable;

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    decoder = new ObservedFlowDecoder();
    flowsIn = context.getMetricGroup().counter("flowsIn");
    undecodable = context.getMetricGroup().counter("undecodable");
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DetectionRecord> out) {
    flowsIn.inc();
    Optional<DetectionRecord> decoded = decoder.decode(record.key(), record.value(), record.topic(), record.partition(),
        record.offset());
    if (decoded.isEmpty()) {
      return;
    }
    if (decoded.get().deadLetter() != null) {
      undecodable.inc();
    }
    out.collect(decoded.get());
  }

  @Override
  public TypeInformation<DetectionRecord> getProducedType() {
    return TypeInformation.of(DetectionRecord.class);
  }
}
