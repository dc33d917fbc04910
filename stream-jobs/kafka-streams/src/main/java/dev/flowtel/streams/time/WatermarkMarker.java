package dev.flowtel.streams.time;

import java.nio.ByteBuffer;

/**
 * Event time travelling through a repartition topic (the probe and egress detectors', the failed
 * attempts' traffic windows), as Flink's watermarks travel through a
 * shuffle: when an input partition's watermark advances, a marker goes to every partition of the
 * repartition topic, and a downstream task's event time is the least of its upstream partitions'
 * (those idle since start excluded). A marker starts with a zero byte; a flow, in single-object
 * encoding, with 0xC3.
 */
public record WatermarkMarker(int upstreamPartition, int upstreamPartitions, long watermark) {

  /** Key of markers; never a grouping key (addresses, workload and edge keys have no '~'). */
  public static final String KEY = "~watermark";

  public static boolean is(byte[] value) {
    return value != null && value.length == 17 && value[0] == 0;
  }

  public byte[] encode() {
    return ByteBuffer.allocate(17).put((byte) 0).putInt(upstreamPartition).putInt(upstreamPartitions).putLong(watermark).array();
  }

  public static WatermarkMarker decode(byte[] value) {
    ByteBuffer b = ByteBuffer.wrap(value, 1, 16);
    return new WatermarkMarker(b.getInt(), b.getInt(), b.getLong());
  }
}
