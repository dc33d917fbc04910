package dev.flowtel.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.flowtel.testing.ElasticsearchFixture;
import dev.flowtel.testing.Podman;
import dev.flowtel.testing.WithElasticsearch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The images the manifests name, built by {@code deploy/docker/build-images.sh --local} from this
 * build's jars and run by a real container runtime the way their manifests run them: non-root,
 * read-only root filesystem, every capability dropped. (The collector's image has its own test,
 * CollectorContainerIT, with the DaemonSet's privileges; the Kafka Streams app's, StreamsImageIT.)
 */
@WithElasticsearch
@Timeout(900)
class ImagesIT {

  private static final List<String> LOCKED_DOWN = List.of("--network", "host", "--read-only", "--read-only-tmpfs=false",
      "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--user", "10001");

  @BeforeAll
  static void buildTheImages() throws Exception {
    String reason = Podman.unavailableReason();
    assumeThat(reason).as("containers cannot run here: %s", reason).isNull();
    Podman.buildImages("cluster-state", "tools");
  }

  @Test
  void theToolsImageSetsUpElasticsearchAsTheSetupJobDoes(ElasticsearchFixture elasticsearch) throws Exception {
    Podman.Result setup = run("ghcr.io/flowtel/tools:0.1.0", "es", "setup", "--url", elasticsearch.url(), "--replicas", "0");
    assertThat(setup.exit()).as("es setup's output:\n%s", setup.output()).isZero();
    HttpResponse<String> templates = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(elasticsearch.url() + "/_index_template/flowtel*")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(templates.statusCode()).isEqualTo(200);
    assertThat(templates.body()).contains("\"name\":\"flowtel-");
  }

  @Test
  void theClusterStateImageSaysThatThereIsNoApiServer() throws Exception {
    // Outside a cluster: no service account, no kubeconfig. It must say so and exit, not retry for ever.
    Podman.Result result = run("ghcr.io/flowtel/cluster-state:0.1.0", "--bootstrap-servers", "127.0.0.1:9");
    assertThat(result.exit()).as("exit code; output:\n%s", result.output()).isEqualTo(1);
    assertThat(result.output()).contains("no Kubernetes API server at");
  }

  private static Podman.Result run(String image, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("run", "--rm"));
    command.addAll(Podman.LIMITS);
    command.addAll(LOCKED_DOWN);
    command.add(image);
    command.addAll(List.of(args));
    return Podman.exec(command);
  }
}
