package dev.flowtel.wire;

import java.util.Objects;

/**
 * The outcome of decoding one record: the record, or the typed reason it could not be decoded.
 * Decoding never throws into an engine; callers route failures to the dead-letter topic.
 */
public sealed interface DecodeResult<T> {

  /** A record, and the published version of its schema that the writer used. */
  record Decoded<T>(T record, int writerVersion) implements DecodeResult<T> {
    public Decoded {
      Objects.requireNonNull(record, "record");
    }
  }

  /** Bytes that are not a record of the expected type; {@code detail} says what was wrong and where. */
  record Failed<T>(FailureCause cause, String detail) implements DecodeResult<T> {
    public Failed {
      Objects.requireNonNull(cause, "cause");
      Objects.requireNonNull(detail, "detail");
    }

    /** One line for logs and dead-letter headers: {@code unknown-fingerprint: ...}. */
    public String describe() {
      return cause.reason() + ": " + detail;
    }
  }

  default boolean isDecoded() {
    return this instanceof Decoded<T>;
  }

  /** The record; throws {@link IllegalStateException} with the failure when there is none. */
  default T orElseThrow() {
    if (this instanceof Decoded<T> decoded) {
      return decoded.record();
    }
    throw new IllegalStateException("not decoded: " + ((Failed<T>) this).describe());
  }
}
