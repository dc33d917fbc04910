package dev.flowtel.testing;

/** The Elasticsearch server a test talks to: a real local 8.19 server, or a Testcontainers one with -Dflowtel.it.containers=true. */
public interface ElasticsearchFixture {

  /** Base URL, e.g. http://127.0.0.1:9200 (security disabled). */
  String url();

  /** Takes the server away (its data is kept) until {@link #start()}; for outage tests. */
  void stop();

  /** Brings the server back on the same address after {@link #stop()}. */
  void start();
}
