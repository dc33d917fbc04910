package dev.flowtel.sink.elasticsearch.connection;

import java.util.List;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/**
 * Credentials and TLS options (a picocli mixin) of every program that talks to Elasticsearch or
 * Kibana. Secrets come from options, environment variables or a prompt, and are never printed.
 */
public final class ElasticsearchCredentials {

  @Option(names = "--api-key", defaultValue = "${env:FLOWTEL_ES_API_KEY}", showDefaultValue = Visibility.NEVER,
      description = "API key (the base64 \"encoded\" value) (env FLOWTEL_ES_API_KEY).")
  String apiKey;

  @Option(names = "--user", description = "User for basic authentication.")
  String user;

  @Option(names = "--password", arity = "0..1", interactive = true, defaultValue = "${env:FLOWTEL_ES_PASSWORD}",
      showDefaultValue = Visibility.NEVER,
      description = "Password of --user; without a value it is prompted for (env FLOWTEL_ES_PASSWORD).")
  String password;

  @Option(names = "--ca-cert", description = "PEM file of the CA that signed the server's certificate, for https URLs.")
  String caCert;

  /** The connection to {@code urls} (comma-separated) with these credentials. */
  public ElasticsearchConnection connection(String urls) {
    return new ElasticsearchConnection(List.of(urls.split(",")), blankToNull(apiKey), blankToNull(user),
        blankToNull(user) == null ? null : password, blankToNull(caCert));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
