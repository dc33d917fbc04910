package dev.flowtel.wire;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro single-object encoding of one record type: {@code C3 01}, the writer schema's 8-byte
 * little-endian CRC-64-AVRO fingerprint, then the binary body. Any published version of the type
 * decodes into the current class (schema resolution fills added fields with their defaults and
 * skips removed ones). Instances are thread-safe.
 */
public final class WireCodec<T extends SpecificRecordBase> {

  static final byte MARKER_0 = (byte) 0xC3;
  static final byte MARKER_1 = (byte) 0x01;
  /** Marker plus fingerprint. */
  public static final int HEADER_LENGTH = 10;

  private final RecordType<T> type;
  private final SchemaCatalog catalog;
  private final SpecificData model;
  private final byte[] header;
  private final SpecificDatumWriter<T> writer;
  private final Map<Long, SpecificDatumReader<T>> readersByWriterFingerprint = new ConcurrentHashMap<>();
  private final Map<Long, Integer> versionsByFingerprint = new ConcurrentHashMap<>();

  private WireCodec(RecordType<T> type, SchemaCatalog catalog) {
    AvroClassTrust.install();
    this.type = type;
    this.catalog = catalog;
    this.model = SpecificData.getForClass(type.javaClass());
    long fingerprint = SchemaCatalog.fingerprint(type.currentSchema());
    SchemaCatalog.PublishedSchema published = catalog.findByFingerprint(fingerprint)
        .filter(p -> p.typeName().equals(type.name()))
        .orElseThrow(() -> new IllegalStateException(type.name()
            + "'s schema in this build is not a published version: publish it under schemas/src/main/resources/"
            + SchemaCatalog.RESOURCE_ROOT + type.name() + "/ (see schemas/README.md) before writing it"));
    this.header = header(published.fingerprint());
    this.writer = new SpecificDatumWriter<>(type.currentSchema(), model);
  }

  public static <T extends SpecificRecordBase> WireCodec<T> of(RecordType<T> type) {
    return new WireCodec<>(type, SchemaCatalog.published());
  }

  static <T extends SpecificRecordBase> WireCodec<T> of(RecordType<T> type, SchemaCatalog catalog) {
    return new WireCodec<>(type, catalog);
  }

  public RecordType<T> type() {
    return type;
  }

  public byte[] encode(T record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.writeBytes(header);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writer.write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + type.name(), e);
    }
    return out.toByteArray();
  }

  /** Decodes {@code bytes}; never throws for bad input. */
  public DecodeResult<T> decode(byte[] bytes) {
    return bytes == null ? failed(FailureCause.EMPTY, "no bytes") : decode(bytes, 0, bytes.length);
  }

  public DecodeResult<T> decode(byte[] bytes, int offset, int length) {
    if (length == 0) {
      return failed(FailureCause.EMPTY, "no bytes");
    }
    if (bytes[offset] != MARKER_0 || (length > 1 && bytes[offset + 1] != MARKER_1)) {
      return failed(FailureCause.NOT_SINGLE_OBJECT, String.format(
          "expected Avro single-object marker C3 01, found %s", hex(bytes, offset, Math.min(2, length))));
    }
    if (length < HEADER_LENGTH) {
      return failed(FailureCause.TRUNCATED,
          "single-object header needs " + HEADER_LENGTH + " bytes, record has " + length);
    }
    long fingerprint = readFingerprint(bytes, offset + 2);
    SpecificDatumReader<T> reader = readersByWriterFingerprint.get(fingerprint);
    if (reader == null) {
      var published = catalog.findByFingerprint(fingerprint);
      if (published.isEmpty()) {
        return failed(FailureCause.UNKNOWN_FINGERPRINT, String.format(
            "schema fingerprint %016x is not a published version of any Flowtel record (expected %s)",
            fingerprint, type.name()));
      }
      if (!published.get().typeName().equals(type.name())) {
        return failed(FailureCause.WRONG_RECORD_TYPE, "record is a " + published.get().typeName()
            + " v" + published.get().version() + ", expected " + type.name());
      }
      reader = new SpecificDatumReader<>(published.get().schema(), type.currentSchema(), model);
      readersByWriterFingerprint.put(fingerprint, reader);
      versionsByFingerprint.put(fingerprint, published.get().version());
    }
    int bodyLength = length - HEADER_LENGTH;
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, offset + HEADER_LENGTH, bodyLength, null);
    T record;
    try {
      record = reader.read(null, decoder);
    } catch (EOFException e) {
      return failed(FailureCause.TRUNCATED, type.name() + " body ends early (" + bodyLength + " body bytes)");
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      // Avro reports corrupt bodies with a variety of runtime exceptions (negative lengths,
      // bad union indexes, system limits). A corrupt length prefix can also make Avro allocate
      // an array of up to 2 GiB before it finds the bytes missing; that allocation fails alone,
      // nothing else is left half-done, so it is one more kind of malformed body.
      return failed(FailureCause.MALFORMED_BODY, type.name() + " body does not decode: " + describe(e));
    }
    try {
      if (!decoder.isEnd()) {
        return failed(FailureCause.TRAILING_BYTES, type.name() + " body decoded but bytes were left over");
      }
    } catch (IOException e) {
      return failed(FailureCause.MALFORMED_BODY, describe(e));
    }
    return new DecodeResult.Decoded<>(record, versionsByFingerprint.get(fingerprint));
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    String kind = e instanceof AvroRuntimeException ? "" : e.getClass().getSimpleName() + ": ";
    return kind + (message == null ? e.getClass().getSimpleName() : message);
  }

  private DecodeResult<T> failed(FailureCause cause, String detail) {
    return new DecodeResult.Failed<>(cause, detail);
  }

  static byte[] header(long fingerprint) {
    byte[] h = new byte[HEADER_LENGTH];
    h[0] = MARKER_0;
    h[1] = MARKER_1;
    for (int i = 0; i < 8; i++) {
      h[2 + i] = (byte) (fingerprint >>> (8 * i));
    }
    return h;
  }

  static long readFingerprint(byte[] bytes, int offset) {
    long value = 0;
    for (int i = 7; i >= 0; i--) {
      value = (value << 8) | (bytes[offset + i] & 0xFFL);
    }
    return value;
  }

  private static String hex(byte[] bytes, int offset, int length) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(String.format("%02X", bytes[offset + i]));
    }
    return sb.toString();
  }

  /** The schema a record written by this build carries. */
  public Schema writerSchema() {
    return type.currentSchema();
  }
}
