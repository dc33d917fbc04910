package dev.flowtel.flink.dns;

import dev.flowtel.core.dns.activity.DnsActivityWindows;
import dev.flowtel.flink.kafka.WireRecordSerializer;
import dev.flowtel.schema.DnsActivity;
import dev.flowtel.wire.RecordType;

/** DnsActivity to its topic, keyed {@code <client key>|<name>}; its record time is the window's end, as ServiceTraffic's. */
public final class DnsActivityRecordSerializer extends WireRecordSerializer<DnsActivity> {

  private static final long serialVersionUID = 1L;

  public DnsActivityRecordSerializer(String topic) {
    super(topic, RecordType.DNS_ACTIVITY);
  }

  @Override
  protected String recordKey(DnsActivity activity) {
    return DnsActivityWindows.recordKey(activity);
  }

  @Override
  protected Long recordTime(DnsActivity activity) {
    return activity.getWindowEnd().toEpochMilli();
  }
}
