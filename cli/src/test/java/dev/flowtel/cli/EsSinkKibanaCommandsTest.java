package dev.flowtel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.sink.elasticsearch.connection.ElasticsearchCredentials;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The es, kibana and sink commands are registered, document their options, and never show a secret. */
class EsSinkKibanaCommandsTest {

  private String help(String... command) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new FlowtelCommand());
    cli.setOut(new PrintWriter(out));
    String[] args = new String[command.length + 1];
    System.arraycopy(command, 0, args, 0, command.length);
    args[command.length] = "--help";
    assertThat(cli.execute(args)).isZero();
    return out.toString();
  }

  @Test
  void esSetupDocumentsConnectionAndIndexOptions() {
    assertThat(help("es", "setup")).contains("--url", "--api-key", "--user", "--password", "--ca-cert", "--index-prefix",
        "--replicas", "--flows", "Default: http://127.0.0.1:9200");
  }

  @Test
  void sinkDocumentsKafkaElasticsearchAndBatchOptions() {
    assertThat(help("sink")).contains("--bootstrap-servers", "Default: 127.0.0.1:9092", "--kafka-properties", "--es-url",
        "--group-id", "--flows", "--batch-size", "--batch-bytes", "--flush-interval", "--max-in-flight", "--max-pending");
  }

  @Test
  void kibanaImportDocumentsItsOptions() {
    assertThat(help("kibana", "import")).contains("--url", "--space", "--index-prefix", "--api-key");
  }

  @Test
  void aGivenApiKeyNeverAppearsInTheConnectionDescription() {
    ElasticsearchCredentials credentials = new ElasticsearchCredentials();
    new CommandLine(credentials).parseArgs("--api-key", "c2VjcmV0LWtleQ==");
    assertThat(credentials.connection("https://es:9200").describe()).doesNotContain("c2VjcmV0LWtleQ==").contains("API key");
    assertThat(credentials.connection("https://es:9200").toString()).doesNotContain("c2VjcmV0LWtleQ==");
  }
}
