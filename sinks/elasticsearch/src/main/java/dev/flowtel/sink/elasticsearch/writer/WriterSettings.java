package dev.flowtel.sink.elasticsearch.writer;

import java.io.Serializable;
import java.time.Duration;

/**
 * Batching, concurrency, memory and retry limits of a {@link BulkDocumentWriter}.
 *
 * @param maxBatchDocuments   documents per bulk request
 * @param maxBatchBytes       bytes per bulk request (estimated from the serialized documents)
 * @param flushInterval       a partly filled batch is sent after this long
 * @param maxInFlightRequests bulk requests sent and not yet answered
 * @param maxPendingDocuments documents added and not yet acknowledged, retries included; {@code add} blocks beyond it
 * @param initialBackoff      first wait before a retry; doubled per attempt
 * @param maxBackoff          longest wait between retries (retries never stop while the writer is open)
 */
public record WriterSettings(int maxBatchDocuments, long maxBatchBytes, Duration flushInterval, int maxInFlightRequests,
    int maxPendingDocuments, Duration initialBackoff, Duration maxBackoff) implements Serializable {

  public WriterSettings {
    if (maxBatchDocuments < 1 || maxBatchBytes < 1 || maxInFlightRequests < 1) {
      throw new IllegalArgumentException("batch documents, batch bytes and in-flight requests must be at least 1");
    }
    if (maxPendingDocuments < maxBatchDocuments) {
      throw new IllegalArgumentException("max pending documents (" + maxPendingDocuments
          + ") must be at least the batch size (" + maxBatchDocuments + ")");
    }
  }

  public static WriterSettings defaults() {
    return new WriterSettings(1000, 5L * 1024 * 1024, Duration.ofSeconds(1), 2, 20_000, Duration.ofMillis(200), Duration.ofSeconds(5));
  }

  public WriterSettings withBatch(int documents, long bytes, Duration interval) {
    return new WriterSettings(documents, bytes, interval, maxInFlightRequests, Math.max(maxPendingDocuments, documents), initialBackoff,
        maxBackoff);
  }

  public WriterSettings withMaxInFlightRequests(int requests) {
    return new WriterSettings(maxBatchDocuments, maxBatchBytes, flushInterval, requests, maxPendingDocuments, initialBackoff, maxBackoff);
  }

  public WriterSettings withMaxPendingDocuments(int documents) {
    return new WriterSettings(maxBatchDocuments, maxBatchBytes, flushInterval, maxInFlightRequests, documents, initialBackoff, maxBackoff);
  }

  public WriterSettings withBackoff(Duration initial, Duration max) {
    return new WriterSettings(maxBatchDocuments, maxBatchBytes, flushInterval, maxInFlightRequests, maxPendingDocuments, initial, max);
  }
}
