package dev.flowtel.sink.elasticsearch.writer;

import dev.flowtel.sink.elasticsearch.document.IndexDocument;
import java.time.Duration;

/**
 * Writes documents to Elasticsearch without losing any: each document added is eventually
 * acknowledged, meaning Elasticsearch stored it, or kept a higher revision of it, or rejected it
 * for its content and it was handed to the {@link RejectedDocumentHandler}. Everything else (an
 * outage, 429, 5xx) is retried with backoff for as long as it takes. This is the one interface the
 * Flink sink and the standalone sink service both use; {@code O} is what the caller needs back
 * about a rejected document's origin (a Kafka record's coordinates and bytes, for example).
 */
public interface DocumentWriter<O> extends AutoCloseable {

  /**
   * Queues a document. Blocks while the configured number of documents is unacknowledged, which
   * is what bounds memory and pushes back on the caller during an outage.
   */
  void add(IndexDocument document, O origin) throws InterruptedException;

  /** Sends what is buffered and blocks until every document added so far is acknowledged. */
  void flush() throws InterruptedException;

  /** Like {@link #flush()}, giving up after {@code timeout}; true when everything was acknowledged. */
  boolean flush(Duration timeout) throws InterruptedException;

  /** Documents added and not yet acknowledged. */
  long unacknowledged();

  WriterStats stats();

  /** Stops writing; documents not acknowledged by then are abandoned (their source is not committed). */
  @Override
  void close();
}
