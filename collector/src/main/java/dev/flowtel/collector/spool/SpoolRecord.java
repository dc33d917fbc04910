package dev.flowtel.collector.spool;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Kafka record held on disk while the broker is away: its topic, key and value exactly as
 * they will be produced. A null value is a tombstone (a deleted cluster-state object).
 */
public record SpoolRecord(String topic, byte[] key, byte[] value) {

  public SpoolRecord {
    Objects.requireNonNull(topic, "topic");
  }

  /** Key plus value bytes; what "byte sum" means in the publisher's tests and metrics. */
  public long payloadBytes() {
    return (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpoolRecord r && topic.equals(r.topic) && Arrays.equals(key, r.key) && Arrays.equals(value, r.value);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * topic.hashCode() + Arrays.hashCode(key)) + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "SpoolRecord[" + topic + ", key " + (key == null ? "null" : key.length + " B")
        + ", value " + (value == null ? "null" : value.length + " B") + "]";
  }
}
