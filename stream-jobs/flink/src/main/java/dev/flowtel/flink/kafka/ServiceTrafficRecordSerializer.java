package dev.flowtel.flink.kafka;

import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.wire.RecordType;

/**
 * ServiceTraffic to its topic, keyed {@code <edge key>@<window start ms>/<window ms>}: revisions of
 * one window share a key, so a compacting consumer keeps the newest. Its record time is the window's end.
 */
public final class ServiceTrafficRecordSerializer extends WireRecordSerializer<ServiceTraffic> {

  private static final long serialVersionUID = 1L;

  public ServiceTrafficRecordSerializer(String topic) {
    super(topic, RecordType.SERVICE_TRAFFIC);
  }

  @Override
  protected String recordKey(ServiceTraffic traffic) {
    return key(traffic);
  }

  @Override
  protected Long recordTime(ServiceTraffic traffic) {
    return traffic.getWindowEnd().toEpochMilli();
  }

  public static String key(ServiceTraffic t) {
    return TrafficWindows.recordKey(t);
  }

  static String edgeKey(ServiceTraffic t) {
    return TrafficWindows.edgeKey(t);
  }
}
