package dev.flowtel.sink.elasticsearch.writer;

import dev.flowtel.sink.elasticsearch.document.IndexDocument;

/**
 * Receives the documents Elasticsearch refused for their content, so they can be dead-lettered.
 * Called from the client's I/O threads: implementations must be thread-safe and must not block
 * for long. A document counts as acknowledged once this returns; if it throws, the writer fails.
 */
@FunctionalInterface
public interface RejectedDocumentHandler<O> {

  void rejected(IndexDocument document, O origin, Rejection rejection);
}
