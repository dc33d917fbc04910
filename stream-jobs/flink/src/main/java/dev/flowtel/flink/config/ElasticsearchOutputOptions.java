package dev.flowtel.flink.config;

import java.io.Serializable;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --es-url} and {@code --es-index-prefix}: a Flink job's optional direct output to Elasticsearch. */
public final class ElasticsearchOutputOptions implements Serializable {

  private static final long serialVersionUID = 1L;

  @Option(names = "--es-url",
      description = "Also write the job's output straight to this Elasticsearch (set up with ./flowtel es setup); off when absent.")
  String elasticsearchUrl;

  @Option(names = "--es-index-prefix", defaultValue = "flowtel-", description = "Prefix of the Elasticsearch indices.")
  String elasticsearchIndexPrefix;

  public Optional<String> elasticsearchUrl() {
    return Optional.ofNullable(elasticsearchUrl);
  }

  public String elasticsearchIndexPrefix() {
    return elasticsearchIndexPrefix;
  }
}
