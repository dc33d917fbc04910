package dev.flowtel.flink.testing;

import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.SchemaCatalog;
import dev.flowtel.wire.WireCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * The next release's FlowEvent, as an upgrade meets it: this build's schema plus one optional field
 * with a default (the only kind of change {@code ./flowtel dev publish-schemas} accepts), published as
 * the next version. Flowtel has no such field yet, so the field is a stand-in named for what it is;
 * what the upgrade depends on is its kind, not its meaning.
 *
 * <p>{@link #jobJar} makes the next release's job jar: this build's shaded jar with the new version
 * published in it, so the job started from it decodes records its predecessor would send to the
 * dead-letter topic as an unknown fingerprint. {@link #rewrite} turns a record as today's collector
 * writes it into the same flow as the next release's collector writes it (Avro's generic writer and
 * single-object encoder: the new schema's fingerprint in the header, the new field set).
 */
public final class NextFlowEventRelease {

  public static final String ADDED_FIELD = "nextReleaseStandIn";

  private final Schema current = RecordType.FLOW_EVENT.currentSchema();
  private final Schema next = withAddedField(current);
  private final int version = SchemaCatalog.published().versions(RecordType.FLOW_EVENT.name()).size() + 1;
  private final GenericDatumReader<GenericRecord> upgrade = new GenericDatumReader<>(current, next);
  /** Avro's own single-object encoder, not Flowtel's codec: the next release's collector is another program. */
  private final BinaryMessageEncoder<GenericRecord> encoder = new BinaryMessageEncoder<>(GenericData.get(), next);

  /** The published version number the next schema takes. */
  public int version() {
    return version;
  }

  public long fingerprint() {
    return SchemaCatalog.fingerprint(next);
  }

  /** A copy of {@code shadedJar} at {@code target} with the next FlowEvent version published in it. */
  public Path jobJar(Path shadedJar, Path target) {
    try {
      Files.createDirectories(target.getParent());
      Files.copy(shadedJar, target, StandardCopyOption.REPLACE_EXISTING);
      try (FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + target.toUri()), Map.of())) {
        Path file = jar.getPath(SchemaCatalog.RESOURCE_ROOT + RecordType.FLOW_EVENT.name() + "/v" + version + ".avsc");
        if (!Files.exists(file.getParent().resolve("v" + (version - 1) + ".avsc"))) {
          throw new IllegalStateException(shadedJar + " does not publish FlowEvent v" + (version - 1) + " where "
              + SchemaCatalog.class.getSimpleName() + " looks for it (" + file.getParent() + ")");
        }
        Files.writeString(file, next.toString(true));
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the next release's job jar at " + target, e);
    }
  }

  /** The flows of {@code records} (this build's single-object encoding), as the next release's collector writes them. */
  public List<byte[]> rewrite(List<byte[]> records) {
    List<byte[]> rewritten = new ArrayList<>(records.size());
    for (byte[] record : records) {
      rewritten.add(rewrite(record));
    }
    return rewritten;
  }

  public byte[] rewrite(byte[] record) {
    try {
      GenericRecord flow = upgrade.read(null, DecoderFactory.get().binaryDecoder(record, WireCodec.HEADER_LENGTH,
          record.length - WireCodec.HEADER_LENGTH, null));
      flow.put(ADDED_FIELD, "written by the next release");
      ByteBuffer encoded = encoder.encode(flow);
      byte[] bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite a FlowEvent with the next schema", e);
    }
  }

  private static Schema withAddedField(Schema schema) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : schema.getFields()) {
      fields.add(new Schema.Field(field, field.schema()));
    }
    Schema optionalString = Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING));
    fields.add(new Schema.Field(ADDED_FIELD, optionalString,
        "Stand-in for a field the next release adds; older readers skip it.", Schema.Field.NULL_DEFAULT_VALUE));
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  /** Whether this JVM's build, like the job before the upgrade, knows the next version's fingerprint. */
  public boolean knownToThisBuild() {
    return SchemaCatalog.published().findByFingerprint(fingerprint()).isPresent();
  }
}
