package dev.flowtel.streams.traffic;

import dev.flowtel.core.edge.ClassifiedFlow;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A classified flow as the failed attempts' repartition topic carries it, field by field after a
 * format byte. The format byte is never 0, which starts a {@code WatermarkMarker}; the edge key
 * travels as the record's key.
 */
final class ClassifiedFlowCodec {

  private static final byte FORMAT = 1;

  private ClassifiedFlowCodec() {}

  static byte[] encode(ClassifiedFlow f) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(80);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeShort(f.protocol());
      out.writeLong(f.eventTimeMillis());
      out.writeBoolean(f.reply());
      out.writeLong(f.connectionId());
      out.writeLong(f.clientPodId());
      out.writeLong(f.bytes());
      out.writeLong(f.packets());
      out.writeShort(f.tcpFlags());
      out.writeLong(f.drops());
      out.writeLong(f.rttMicros());
      out.writeShort(f.serverPort());
      out.writeLong(f.serverAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static ClassifiedFlow decode(String edgeKey, byte[] value) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
      byte format = in.readByte();
      if (format != FORMAT) {
        throw new IOException("unknown format " + format);
      }
      return new ClassifiedFlow(edgeKey, in.readShort() & 0xFFFF, in.readLong(), in.readBoolean(), in.readLong(),
          in.readLong(), in.readLong(), in.readLong(), in.readShort() & 0xFFFF, in.readLong(), in.readLong(),
          in.readShort() & 0xFFFF, in.readLong());
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable failed-attempt record of " + edgeKey, e);
    }
  }
}
