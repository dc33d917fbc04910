package dev.flowtel.sink.elasticsearch.writer;

import dev.flowtel.sink.elasticsearch.document.IndexDocument;

/** Told when Elasticsearch stored a document (on a bulk-completion thread; keep it short). */
@FunctionalInterface
public interface WrittenDocumentListener<O> {

  WrittenDocumentListener<Object> NONE = (document, origin) -> { };

  void written(IndexDocument document, O origin);

  @SuppressWarnings("unchecked")
  static <O> WrittenDocumentListener<O> none() {
    return (WrittenDocumentListener<O>) NONE;
  }
}
