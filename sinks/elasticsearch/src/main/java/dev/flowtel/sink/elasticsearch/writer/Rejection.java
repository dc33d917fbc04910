package dev.flowtel.sink.elasticsearch.writer;

/**
 * Why Elasticsearch refused one document for good.
 *
 * @param reason    short machine-readable reason for dead-letter headers: {@value #MAPPING_REJECTED} or {@value #REJECTED}
 * @param status    the item's HTTP status, e.g. 400
 * @param errorType Elasticsearch's error type, e.g. {@code document_parsing_exception}
 * @param detail    Elasticsearch's reason, e.g. {@code failed to parse field [source.ip] of type [ip] ...}
 */
public record Rejection(String reason, int status, String errorType, String detail) {

  /** The document does not fit the index mapping (wrong type, unmapped field under dynamic: strict). */
  public static final String MAPPING_REJECTED = "es-mapping-rejected";
  /** Any other permanent, document-level refusal (HTTP 400). */
  public static final String REJECTED = "es-rejected";

  /** One line: {@code document_parsing_exception: failed to parse ...}. */
  public String describe() {
    return errorType + ": " + detail;
  }
}
