package dev.flowtel.sink.elasticsearch.writer;

import co.elastic.clients.json.JsonpMapper;
import co.elastic.clients.transport.ElasticsearchTransport;
import co.elastic.clients.transport.Endpoint;
import co.elastic.clients.transport.TransportOptions;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A transport that completes asynchronous requests on its own executor. Without it the
 * BulkIngester deadlocks when Elasticsearch is unreachable: the ingester sends a request while
 * holding its lock, the HTTP client fails the connection at once on its I/O thread while holding
 * the connection-pool lock, and the ingester's completion handler then waits for the ingester's
 * lock (seen in a thread dump during the outage test). Handing completions to another thread
 * breaks that cycle.
 */
final class HandOffTransport implements ElasticsearchTransport {

  private final ElasticsearchTransport delegate;
  private final Executor completions;

  HandOffTransport(ElasticsearchTransport delegate, Executor completions) {
    this.delegate = delegate;
    this.completions = completions;
  }

  @Override
  public <RequestT, ResponseT, ErrorT> ResponseT performRequest(RequestT request, Endpoint<RequestT, ResponseT, ErrorT> endpoint,
      TransportOptions options) throws IOException {
    return delegate.performRequest(request, endpoint, options);
  }

  @Override
  public <RequestT, ResponseT, ErrorT> CompletableFuture<ResponseT> performRequestAsync(RequestT request,
      Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions options) {
    CompletableFuture<ResponseT> handedOff = new CompletableFuture<>();
    delegate.performRequestAsync(request, endpoint, options).whenComplete((response, failure) -> completions.execute(() -> {
      if (failure != null) {
        handedOff.completeExceptionally(failure);
      } else {
        handedOff.complete(response);
      }
    }));
    return handedOff;
  }

  @Override
  public JsonpMapper jsonpMapper() {
    return delegate.jsonpMapper();
  }

  @Override
  public TransportOptions options() {
    return delegate.options();
  }

  @Override
  public void close() {
    // The delegate belongs to the caller's client.
  }
}
