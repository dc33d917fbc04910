package dev.flowtel.streams.detection;

import java.nio.ByteBuffer;

/**
 * Event time travelling through a repartition topic, as Flink's watermarks travel through a
 * shuffle: when an input partition's watermark advances, a marker goes to every partition of the
 * repartition topic, and a downstream task's event time is the least of its upstream partitions'
 * (those idle since start excluded). A marker starts with a zero byte; a flow, in single-object
 * encoding, with 0xC3.
 */
record WatermarkMarker(int upstreamPartition, int upstreamPartitions, long watermark) {

  /** Key of markers; never a grouping key (addresses and workload keys have no '~'). */
  static final String KEY = "~watermark";

  static boolean is(byte[] value) {
    return value != null && value.length == 17 && value[0] == 0;
  }

  byte[] encode() {
    return ByteBuffer.allocate(17).put((byte) 0).putInt(upstreamPartition).putInt(upstreamPartitions).putLong(watermark).array();
  }

  static WatermarkMarker decode(byte[] value) {
    ByteBuffer b = ByteBuffer.wrap(value, 1, 16);
    return new WatermarkMarker(b.getInt(), b.getInt(), b.getLong());
  }
}
