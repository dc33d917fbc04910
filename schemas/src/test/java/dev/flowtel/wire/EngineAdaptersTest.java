package dev.flowtel.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.wire.flink.WireDeserializationSchema;
import dev.flowtel.wire.flink.WireSerializationSchema;
import dev.flowtel.wire.streams.WireSerdes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** The Kafka Streams and Flink adapters encode exactly like the codec and never throw on bad input. */
class EngineAdaptersTest {

  private final byte[] garbage = {1, 2, 3};

  @Test
  void kafkaStreamsDecodingSerdeTurnsPoisonIntoAFailure() {
    Serde<DecodeResult<FlowEvent>> serde = WireSerdes.decoding(RecordType.FLOW_EVENT);
    FlowEvent flow = SampleRecords.flow(1);
    byte[] bytes = serde.serializer().serialize("t", new DecodeResult.Decoded<>(flow, 1));
    assertThat(bytes).isEqualTo(WireCodec.of(RecordType.FLOW_EVENT).encode(flow));
    assertThat(serde.deserializer().deserialize("t", bytes).orElseThrow()).isEqualTo(flow);
    assertThat(serde.deserializer().deserialize("t", garbage)).isInstanceOf(DecodeResult.Failed.class);
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }

  @Test
  void kafkaStreamsRecordSerdeIsForFlowtelsOwnTopicsAndNamesTheFailure() {
    Serde<ServiceTraffic> serde = WireSerdes.of(RecordType.SERVICE_TRAFFIC);
    ServiceTraffic traffic = SampleRecords.serviceTraffic();
    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", traffic))).isEqualTo(traffic);
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", garbage))
        .hasMessageContaining("not-single-object");
  }

  @Test
  void flinkSchemasSurviveJavaSerializationAsFlinkShipsThemToTaskManagers() throws Exception {
    WireSerializationSchema<FlowEvent> serializer = roundTrip(new WireSerializationSchema<>(RecordType.FLOW_EVENT));
    WireDeserializationSchema<FlowEvent> deserializer = roundTrip(new WireDeserializationSchema<>(RecordType.FLOW_EVENT));
    FlowEvent flow = SampleRecords.flow(7);
    byte[] bytes = serializer.serialize(flow);
    assertThat(deserializer.deserialize(bytes)).isEqualTo(new DecodeResult.Decoded<>(flow, 1));
    assertThat(deserializer.deserialize(garbage)).isInstanceOf(DecodeResult.Failed.class);
    assertThat(deserializer.getProducedType().getTypeClass()).isEqualTo(DecodeResult.class);
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }
}
