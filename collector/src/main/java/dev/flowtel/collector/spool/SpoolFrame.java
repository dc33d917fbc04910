package dev.flowtel.collector.spool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of the spool. A segment starts with an 8-byte header (magic "FTSP", format
 * version 1); then frames follow back to back:
 *
 * <pre>
 *   int32  bodyLength                        big-endian, bytes of the body below
 *   int32  crc32c(body)
 *   body:  int16 topicLength, topic (UTF-8)
 *          int32 keyLength   (-1: null), key
 *          int32 valueLength (-1: null, a tombstone), value
 * </pre>
 *
 * A frame whose header or body runs past the end of the file, or whose checksum does not match,
 * is a torn write: everything from it on is cut off when the spool is opened.
 */
final class SpoolFrame {

  static final int MAGIC = 0x46545350; // "FTSP"
  static final int VERSION = 1;
  static final int SEGMENT_HEADER_BYTES = 8;
  static final int FRAME_HEADER_BYTES = 8;
  static final int MIN_BODY_BYTES = 2 + 4 + 4;
  /** A larger length field can only be corruption: Kafka's own record limit is far below. */
  static final int MAX_BODY_BYTES = 64 << 20;

  private SpoolFrame() {}

  static int frameBytes(SpoolRecord r) {
    return FRAME_HEADER_BYTES + bodyBytes(r);
  }

  static int bodyBytes(SpoolRecord r) {
    return 2 + r.topic().getBytes(StandardCharsets.UTF_8).length + 4 + (r.key() == null ? 0 : r.key().length)
        + 4 + (r.value() == null ? 0 : r.value().length);
  }

  static byte[] encode(SpoolRecord r) {
    byte[] topic = r.topic().getBytes(StandardCharsets.UTF_8);
    int body = 2 + topic.length + 4 + (r.key() == null ? 0 : r.key().length) + 4 + (r.value() == null ? 0 : r.value().length);
    ByteBuffer buf = ByteBuffer.allocate(FRAME_HEADER_BYTES + body);
    buf.putInt(body).putInt(0);
    buf.putShort((short) topic.length).put(topic);
    putBytes(buf, r.key());
    putBytes(buf, r.value());
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), FRAME_HEADER_BYTES, body);
    buf.putInt(4, (int) crc.getValue());
    return buf.array();
  }

  private static void putBytes(ByteBuffer buf, byte[] bytes) {
    if (bytes == null) {
      buf.putInt(-1);
    } else {
      buf.putInt(bytes.length).put(bytes);
    }
  }

  static byte[] segmentHeader() {
    return ByteBuffer.allocate(SEGMENT_HEADER_BYTES).putInt(MAGIC).putInt(VERSION).array();
  }

  /** Null when the body's checksum matches; otherwise why the frame is bad. */
  static String checkBody(byte[] array, int offset, int length, int expectedCrc) {
    CRC32C crc = new CRC32C();
    crc.update(array, offset, length);
    if ((int) crc.getValue() != expectedCrc) {
      return String.format("checksum mismatch (stored %08x, computed %08x)", expectedCrc, (int) crc.getValue());
    }
    return null;
  }

  /** Decodes a body whose checksum was verified. */
  static SpoolRecord decodeBody(ByteBuffer body) {
    int topicLength = body.getShort() & 0xFFFF;
    byte[] topic = new byte[topicLength];
    body.get(topic);
    byte[] key = getBytes(body);
    byte[] value = getBytes(body);
    return new SpoolRecord(new String(topic, StandardCharsets.UTF_8), key, value);
  }

  private static byte[] getBytes(ByteBuffer body) {
    int length = body.getInt();
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    body.get(bytes);
    return bytes;
  }
}
