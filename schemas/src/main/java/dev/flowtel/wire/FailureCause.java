package dev.flowtel.wire;

/** Why bytes could not be decoded into a Flowtel record; the reason written to the dead-letter topic. */
public enum FailureCause {
  /** No bytes at all (a null or empty Kafka value that is not a tombstone we expect). */
  EMPTY,
  /** The bytes do not start with the Avro single-object marker C3 01. */
  NOT_SINGLE_OBJECT,
  /** Fewer bytes than the header or the body needs. */
  TRUNCATED,
  /** The schema fingerprint is not one that any published Flowtel schema version has. */
  UNKNOWN_FINGERPRINT,
  /** A known Flowtel schema, but of another record type than this topic carries. */
  WRONG_RECORD_TYPE,
  /** The body does not decode with the writer schema its header names. */
  MALFORMED_BODY,
  /** The body decoded but bytes were left over after it. */
  TRAILING_BYTES;

  /** Lower-case, dash-separated form used in dead-letter headers and metrics, e.g. {@code unknown-fingerprint}. */
  public String reason() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
