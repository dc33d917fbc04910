package dev.flowtel.flink.elasticsearch;

import dev.flowtel.flink.config.ElasticsearchOutputOptions;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchClients;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.document.DocumentBuilder;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.sink.elasticsearch.writer.BulkDocumentWriter;
import dev.flowtel.sink.elasticsearch.writer.WriterSettings;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink Sink V2 over the same {@link BulkDocumentWriter} the standalone sink uses. Flink calls
 * {@link SinkWriter#flush} before every checkpoint barrier and at the end of input, and flush
 * blocks until every document written so far is acknowledged by Elasticsearch (stored, superseded
 * by a higher revision, or rejected for its content), so a checkpoint never completes while
 * documents are in flight; after a failure, replay from the checkpoint rewrites them with the same
 * ids. Rejected documents are logged with their reason and counted ({@code esRejected}); a job that
 * needs them on the DLQ uses the Kafka path with the standalone sink.
 */
public final class ElasticsearchSink<T> implements Sink<T> {

  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(ElasticsearchSink.class);

  private final ElasticsearchConnection connection;
  private final DocumentBuilder<T> documents;
  private final WriterSettings settings;

  /** The sink {@code --es-url} asks for, writing the documents {@code documents} builds for its index prefix; empty without it. */
  public static <T> Optional<ElasticsearchSink<T>> asConfigured(ElasticsearchOutputOptions options,
      Function<IndexNames, DocumentBuilder<T>> documents) {
    return options.elasticsearchUrl().map(url -> new ElasticsearchSink<>(ElasticsearchConnection.to(url),
        documents.apply(new IndexNames(options.elasticsearchIndexPrefix())), WriterSettings.defaults()));
  }

  public ElasticsearchSink(ElasticsearchConnection connection, DocumentBuilder<T> documents, WriterSettings settings) {
    this.connection = connection;
    this.documents = documents;
    this.settings = settings;
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    Counter rejected = context.metricGroup().counter("esRejected");
    ElasticsearchClients clients = ElasticsearchClients.open(connection);
    BulkDocumentWriter<String> writer = new BulkDocumentWriter<>(clients.client(), settings, (document, origin, rejection) -> {
      rejected.inc();
      log.warn("Elasticsearch rejected document {} of {} ({}): {}", document.id(), origin, rejection.reason(), rejection.detail());
    });
    return new Writer<>(documents, writer, clients);
  }

  private static final class Writer<T> implements SinkWriter<T> {
    private final DocumentBuilder<T> documents;
    private final BulkDocumentWriter<String> writer;
    private final ElasticsearchClients clients;

    Writer(DocumentBuilder<T> documents, BulkDocumentWriter<String> writer, ElasticsearchClients clients) {
      this.documents = documents;
      this.writer = writer;
      this.clients = clients;
    }

    @Override
    public void write(T element, Context context) throws InterruptedException {
      writer.add(documents.build(element), element.getClass().getSimpleName());
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
      writer.flush();
    }

    @Override
    public void close() {
      writer.close();
      clients.close();
    }
  }
}
