package dev.flowtel.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.FlowEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readers and writers of different published versions understand each other through the catalog. */
class SchemaVersionDecodingTest {

  @TempDir
  Path published;

  @Test
  void aNewerReaderDecodesAnOlderWritersRecordFillingDefaults() throws IOException {
    // v1 had no communityId; this build (v2) added it with a null default.
    Schema older = FlowEventVariants.without("communityId");
    SchemaCatalog catalog = catalog(older, FlowEvent.getClassSchema());
    FlowEvent original = SampleRecords.flow(40_001);
    byte[] bytes = encodeGeneric(older, original);

    DecodeResult<FlowEvent> result = WireCodec.of(RecordType.FLOW_EVENT, catalog).decode(bytes);

    FlowEvent expected = FlowEvent.newBuilder(original).setCommunityId(null).build();
    assertThat(result).isEqualTo(new DecodeResult.Decoded<>(expected, 1));
  }

  @Test
  void anOlderReaderIgnoresFieldsANewerWriterAdded() throws IOException {
    Schema newer = FlowEventVariants.withExtraField(
        new Schema.Field("clusterName", Schema.create(Schema.Type.STRING), null, "unknown"));
    SchemaCatalog catalog = catalog(FlowEvent.getClassSchema(), newer);
    FlowEvent original = SampleRecords.flow(40_002);
    GenericRecord written = copy(newer, original);
    written.put("clusterName", "prod-eu-1");

    DecodeResult<FlowEvent> result = WireCodec.of(RecordType.FLOW_EVENT, catalog).decode(encode(newer, written));

    assertThat(result).isEqualTo(new DecodeResult.Decoded<>(original, 2));
  }

  private SchemaCatalog catalog(Schema v1, Schema v2) throws IOException {
    for (RecordType<?> type : RecordType.all()) {
      Path dir = Files.createDirectories(published.resolve(SchemaCatalog.RESOURCE_ROOT + type.name()));
      if (type == RecordType.FLOW_EVENT) {
        Files.writeString(dir.resolve("v1.avsc"), v1.toString());
        Files.writeString(dir.resolve("v2.avsc"), v2.toString());
      } else {
        Files.writeString(dir.resolve("v1.avsc"), type.currentSchema().toString());
      }
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {published.toUri().toURL()}, null)) {
      return SchemaCatalog.load(loader);
    }
  }

  private static byte[] encodeGeneric(Schema schema, FlowEvent record) throws IOException {
    return encode(schema, copy(schema, record));
  }

  private static GenericRecord copy(Schema schema, FlowEvent record) {
    // Round-trip through the specific encoding so logical types become their wire form.
    GenericData.Record generic = new GenericData.Record(schema);
    for (Schema.Field field : schema.getFields()) {
      Schema.Field source = FlowEvent.getClassSchema().getField(field.name());
      if (source != null) {
        generic.put(field.name(), toWire(record.get(source.pos())));
      }
    }
    return generic;
  }

  private static Object toWire(Object value) {
    if (value instanceof java.time.Instant instant) {
      return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
    if (value instanceof org.apache.avro.specific.SpecificRecordBase nested) {
      return GenericData.get().deepCopy(nested.getSchema(), nested);
    }
    if (value instanceof Enum<?> symbol) {
      return new GenericData.EnumSymbol(null, symbol.name());
    }
    return value;
  }

  private static byte[] encode(Schema schema, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(WireCodec.header(SchemaCatalog.fingerprint(schema)));
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
