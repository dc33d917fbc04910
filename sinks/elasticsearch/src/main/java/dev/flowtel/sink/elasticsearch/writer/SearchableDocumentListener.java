package dev.flowtel.sink.elasticsearch.writer;

import dev.flowtel.sink.elasticsearch.document.IndexDocument;

/**
 * Told when a document's identity became searchable: Elasticsearch stored it, or answered 409
 * because it already held a later version of it. The second case is real: two bulks in flight
 * can carry revision 0 and revision 1 of one window, and the later one may land first; the
 * window is then searchable even though revision 0 was never stored. Called on a
 * bulk-completion thread; keep it short.
 */
@FunctionalInterface
public interface SearchableDocumentListener<O> {

  SearchableDocumentListener<Object> NONE = (document, origin) -> { };

  void searchable(IndexDocument document, O origin);

  @SuppressWarnings("unchecked")
  static <O> SearchableDocumentListener<O> none() {
    return (SearchableDocumentListener<O>) NONE;
  }
}
