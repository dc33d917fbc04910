package dev.flowtel.cli;

import dev.flowtel.console.ConsoleServer;
import dev.flowtel.console.ConsoleSettings;
import dev.flowtel.core.anomaly.DetectionConfig;
import dev.flowtel.localstack.LocalStack;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import org.elasticsearch.client.RestClient;

/**
 * The web console of {@code ./flowtel up}, over the local Elasticsearch, with the live range read
 * from the local Kafka's traffic topic and the detection's default cooldown.
 */
final class LocalConsole implements AutoCloseable {

  /** {@code --console-port} that starts no console. */
  static final int NONE = -1;

  private final RestClient rest;
  private final ConsoleServer server;

  private LocalConsole(RestClient rest, ConsoleServer server) {
    this.rest = rest;
    this.server = server;
  }

  /**
   * Serves the console on {@code port}; when that is the default and taken (a second stack, or
   * another program), on a free one rather than failing the whole run over a viewer.
   */
  static LocalConsole start(int port, LocalStack stack, Progress progress) {
    if (port == NONE) {
      return new LocalConsole(null, null);
    }
    String url = stack.elasticsearch().url();
    RestClient rest = ElasticsearchConnection.to(url).restClient();
    try {
      return new LocalConsole(rest, serve(port, rest, stack, url));
    } catch (UncheckedIOException taken) {
      if (port != ConsoleSettings.DEFAULT_PORT) {
        close(rest);
        throw taken;
      }
      progress.step("console port " + port + " is taken; serving the console on a free port");
      return new LocalConsole(rest, serve(0, rest, stack, url));
    }
  }

  private static ConsoleServer serve(int port, RestClient rest, LocalStack stack, String url) {
    return ConsoleServer.start(new ConsoleSettings(ConsoleSettings.DEFAULT_BIND, port, IndexNames.defaults(),
        DetectionConfig.DEFAULT_COOLDOWN, stack.kafka().bootstrapServers(), Clock.systemUTC()), rest, url);
  }

  Optional<URI> url() {
    return server == null ? Optional.empty() : Optional.of(server.url());
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
      close(rest);
    }
  }

  private static void close(RestClient rest) {
    try {
      rest.close();
    } catch (IOException e) {
      // closing a client of a server that is stopping anyway
    }
  }
}
