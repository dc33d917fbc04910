package dev.flowtel.sink.elasticsearch.writer;

import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import dev.flowtel.sink.elasticsearch.document.IndexDocument;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DocumentWriter} over the elasticsearch-java {@link BulkIngester}. The ingester batches
 * and bounds in-flight requests; this class decides each item's fate from its bulk response:
 * 2xx written; 409 on an externally versioned document superseded (Elasticsearch holds the same
 * or a newer revision, which is what a replay or a late stale revision should produce); 400
 * rejected and handed to the {@link RejectedDocumentHandler}; anything else (429, 5xx, 401/403/404,
 * a failed request because Elasticsearch is away) retried with exponential backoff until it
 * succeeds. A semaphore of {@link WriterSettings#maxPendingDocuments()} permits, released only on
 * acknowledgement, bounds memory and makes {@link #add} block during an outage.
 */
public final class BulkDocumentWriter<O> implements DocumentWriter<O> {

  private static final Logger log = LoggerFactory.getLogger(BulkDocumentWriter.class);
  /** Item error types that mean the document does not fit the mapping. */
  static final Set<String> MAPPING_ERRORS = Set.of("mapper_parsing_exception", "strict_dynamic_mapping_exception",
      "document_parsing_exception", "mapper_exception", "illegal_argument_exception");

  /** One document on its way, with its attempt number for backoff. */
  private record Pending<O>(IndexDocument document, O origin, int attempt) {}

  private final WriterSettings settings;
  private final RejectedDocumentHandler<O> rejectedHandler;
  private final SearchableDocumentListener<O> searchableListener;
  private final BulkIngester<Pending<O>> ingester;
  private final ScheduledExecutorService retries;
  private final ExecutorService completions;
  private final AtomicLong lastFailureLog = new AtomicLong();
  private final Semaphore capacity;
  private final Object acknowledgedSignal = new Object();
  private final AtomicLong unacknowledged = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong superseded = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private volatile boolean closed;

  public BulkDocumentWriter(ElasticsearchClient client, WriterSettings settings, RejectedDocumentHandler<O> rejectedHandler) {
    this(client, settings, rejectedHandler, SearchableDocumentListener.none());
  }

  /** Like the other constructor; {@code searchableListener} hears of every document that became searchable. */
  public BulkDocumentWriter(ElasticsearchClient client, WriterSettings settings, RejectedDocumentHandler<O> rejectedHandler,
      SearchableDocumentListener<O> searchableListener) {
    this.settings = settings;
    this.rejectedHandler = rejectedHandler;
    this.searchableListener = searchableListener;
    this.capacity = new Semaphore(settings.maxPendingDocuments());
    this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "flowtel-es-retry");
      thread.setDaemon(true);
      return thread;
    });
    this.completions = Executors.newFixedThreadPool(2, r -> {
      Thread thread = new Thread(r, "flowtel-es-bulk-completion");
      thread.setDaemon(true);
      return thread;
    });
    ElasticsearchAsyncClient async = new ElasticsearchAsyncClient(new HandOffTransport(client._transport(), completions));
    this.ingester = BulkIngester.of(b -> b.client(async)
        .maxOperations(settings.maxBatchDocuments())
        .maxSize(settings.maxBatchBytes())
        .maxConcurrentRequests(settings.maxInFlightRequests())
        .flushInterval(settings.flushInterval().toMillis(), TimeUnit.MILLISECONDS)
        .listener(new Listener()));
  }

  @Override
  public void add(IndexDocument document, O origin) throws InterruptedException {
    throwIfFailed();
    if (closed) {
      throw new IllegalStateException("the Elasticsearch writer is closed");
    }
    capacity.acquire();
    unacknowledged.incrementAndGet();
    ingester.add(operation(document), new Pending<>(document, origin, 0));
  }

  @Override
  public void flush() throws InterruptedException {
    while (!flush(Duration.ofSeconds(10))) {
      log.info("still waiting for Elasticsearch to acknowledge {} document(s)", unacknowledged.get());
    }
  }

  @Override
  public boolean flush(Duration timeout) throws InterruptedException {
    ingester.flush();
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (acknowledgedSignal) {
      while (unacknowledged.get() > 0) {
        throwIfFailed();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        acknowledgedSignal.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
        // A retry re-added to the ingester may sit in its buffer until the flush interval.
        ingester.flush();
      }
    }
    throwIfFailed();
    return true;
  }

  @Override
  public long unacknowledged() {
    return unacknowledged.get();
  }

  @Override
  public WriterStats stats() {
    return new WriterStats(written.get(), superseded.get(), rejected.get(), retried.get());
  }

  @Override
  public void close() {
    closed = true;
    retries.shutdownNow();
    ingester.close();
    completions.shutdown();
  }

  private static BulkOperation operation(IndexDocument document) {
    return BulkOperation.of(op -> op.index(i -> {
      i.index(document.index()).id(document.id()).document(document.source());
      if (document.externalVersion() != null) {
        i.version(document.externalVersion()).versionType(VersionType.External);
      }
      return i;
    }));
  }

  private void acknowledge(AtomicLong counter) {
    counter.incrementAndGet();
    capacity.release();
    if (unacknowledged.decrementAndGet() == 0) {
      synchronized (acknowledgedSignal) {
        acknowledgedSignal.notifyAll();
      }
    }
  }

  private void retry(Pending<O> pending) {
    retried.incrementAndGet();
    if (closed) {
      return;
    }
    long base = settings.initialBackoff().toMillis() << Math.min(pending.attempt(), 20);
    long delay = Math.min(settings.maxBackoff().toMillis(), base);
    delay = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    Pending<O> next = new Pending<>(pending.document(), pending.origin(), pending.attempt() + 1);
    try {
      retries.schedule(() -> {
        if (!closed) {
          ingester.add(operation(next.document()), next);
        }
      }, delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closed meanwhile: the document stays unacknowledged, so its source is not committed.
    }
  }

  private void reject(Pending<O> pending, Rejection rejection) {
    try {
      rejectedHandler.rejected(pending.document(), pending.origin(), rejection);
      acknowledge(rejected);
    } catch (RuntimeException e) {
      fail(new IllegalStateException("the rejected-document handler failed for document " + pending.document().id() + " in "
          + pending.document().index() + " (" + rejection.describe() + "): " + e.getMessage(), e));
    }
  }

  private void fail(RuntimeException e) {
    failure.compareAndSet(null, e);
    synchronized (acknowledgedSignal) {
      acknowledgedSignal.notifyAll();
    }
  }

  private void throwIfFailed() {
    RuntimeException e = failure.get();
    if (e != null) {
      throw e;
    }
  }

  private final class Listener implements BulkListener<Pending<O>> {

    @Override
    public void beforeBulk(long executionId, BulkRequest request, List<Pending<O>> contexts) {}

    @Override
    public void afterBulk(long executionId, BulkRequest request, List<Pending<O>> contexts, BulkResponse response) {
      List<BulkResponseItem> items = response.items();
      int retrying = 0;
      for (int i = 0; i < contexts.size(); i++) {
        Pending<O> pending = contexts.get(i);
        BulkResponseItem item = items.get(i);
        ErrorCause error = item.error();
        int status = item.status();
        if (error == null && status >= 200 && status < 300) {
          searchableListener.searchable(pending.document(), pending.origin());
          acknowledge(written);
        } else if (status == 409 && pending.document().externalVersion() != null) {
          searchableListener.searchable(pending.document(), pending.origin());
          acknowledge(superseded);
        } else if (status == 400) {
          String type = error == null ? "unknown" : error.type();
          String reason = error == null ? "HTTP 400" : describe(error);
          reject(pending, new Rejection(MAPPING_ERRORS.contains(type) ? Rejection.MAPPING_REJECTED : Rejection.REJECTED, status, type, reason));
        } else {
          retrying++;
          if (retrying == 1 && shouldLogFailure()) {
            log.warn("Elasticsearch answered {} for document {} in {} ({}); retrying such items with backoff", status,
                pending.document().id(), pending.document().index(), error == null ? "no reason" : describe(error));
          }
          retry(pending);
        }
      }
    }

    @Override
    public void afterBulk(long executionId, BulkRequest request, List<Pending<O>> contexts, Throwable failure) {
      if (shouldLogFailure()) {
        log.warn("bulk request of {} document(s) failed ({}); retrying with backoff ({} document(s) unacknowledged)", contexts.size(),
            failure.toString(), unacknowledged.get());
      }
      contexts.forEach(BulkDocumentWriter.this::retry);
    }
  }

  /** At most one failure line every 5 s: an outage retries many requests. */
  private boolean shouldLogFailure() {
    long now = System.nanoTime();
    long last = lastFailureLog.get();
    return (last == 0 || now - last > 5_000_000_000L) && lastFailureLog.compareAndSet(last, now);
  }

  private static String describe(ErrorCause error) {
    String reason = error.reason() == null ? error.type() : error.reason();
    ErrorCause cause = error.causedBy();
    return cause == null || cause.reason() == null ? reason : reason + ": " + cause.reason();
  }
}
