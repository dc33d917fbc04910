package dev.flowtel.sink.elasticsearch.writer;

/**
 * Counts since the writer started.
 *
 * @param written    documents Elasticsearch stored (created or overwritten)
 * @param superseded documents Elasticsearch already had at the same or a higher revision (409 on an external version)
 * @param rejected   documents refused for their content and handed to the rejected-document handler
 * @param retried    document attempts that failed transiently (outage, 429, 5xx) and were sent again
 */
public record WriterStats(long written, long superseded, long rejected, long retried) {

  public long acknowledged() {
    return written + superseded + rejected;
  }
}
