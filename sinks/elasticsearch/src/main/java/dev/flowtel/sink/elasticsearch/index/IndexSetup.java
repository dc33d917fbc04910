package dev.flowtel.sink.elasticsearch.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowtel.sink.elasticsearch.index.IndexNames.Kind;
import dev.flowtel.sink.elasticsearch.index.SetupReport.Action;
import dev.flowtel.sink.elasticsearch.index.SetupReport.Step;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * Installs or upgrades Flowtel's component templates, index templates and (where the cluster has
 * ILM) lifecycle policies. Idempotent: a resource whose installed {@code _meta} hash equals the
 * one this build would write is left alone, so a second run changes nothing and says so. When an
 * index template changes, the new mappings are also put on the existing indices it matches, so
 * added fields work in today's index and not only from tomorrow's.
 */
public final class IndexSetup {

  private final RestClient rest;
  private final IndexTemplates templates;

  public IndexSetup(RestClient rest, IndexSettings settings) {
    this.rest = rest;
    this.templates = new IndexTemplates(settings);
  }

  public SetupReport install() {
    IndexSettings settings = templates.settings();
    IndexNames names = settings.names();
    boolean lifecycle = lifecycleAvailable();
    List<Step> steps = new ArrayList<>();
    steps.add(put("component template", names.settingsComponentTemplate(), "/_component_template/", templates.settingsComponent()));
    steps.add(put("component template", names.ecsComponentTemplate(), "/_component_template/", templates.ecsComponent()));
    // DNS transactions are raw events like flows: their template comes with the flows'.
    List<Kind> kinds = settings.withFlows() ? List.of(Kind.TRAFFIC, Kind.ANOMALIES, Kind.STAGED_VERDICTS, Kind.FLOWS, Kind.DNS)
        : List.of(Kind.TRAFFIC, Kind.ANOMALIES, Kind.STAGED_VERDICTS);
    for (Kind kind : kinds) {
      if (lifecycle) {
        steps.add(put("lifecycle policy", names.lifecyclePolicy(kind), "/_ilm/policy/", templates.lifecyclePolicy(kind)));
      } else {
        steps.add(new Step("lifecycle policy", names.lifecyclePolicy(kind), Action.SKIPPED,
            "this cluster has no ILM; delete old " + names.pattern(kind) + " indices yourself"));
      }
    }
    boolean ecsChanged = steps.get(1).action() != Action.UNCHANGED;
    for (Kind kind : kinds) {
      Step step = put("index template", names.indexTemplate(kind), "/_index_template/", templates.indexTemplate(kind, lifecycle));
      steps.add(step);
      if (step.action() != Action.UNCHANGED || ecsChanged) {
        upgradeExistingIndices(kind, steps);
      }
    }
    return new SetupReport(steps, lifecycle);
  }

  /** ILM is an x-pack feature; minimal distributions answer 405 or 404 to its status endpoint. */
  public boolean lifecycleAvailable() {
    try {
      return rest.performRequest(new Request("GET", "/_ilm/status")).getStatusLine().getStatusCode() == 200;
    } catch (ResponseException e) {
      return false;
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  private Step put(String kind, String name, String endpoint, ObjectNode body) {
    String wanted = hashOf(body);
    String installed = installedHash(endpoint + name);
    if (wanted.equals(installed)) {
      return new Step(kind, name, Action.UNCHANGED, null);
    }
    Request request = new Request("PUT", endpoint + name);
    request.setJsonEntity(body.toString());
    perform(request, kind + " " + name);
    return new Step(kind, name, installed == null ? Action.CREATED : Action.UPDATED, installed == null ? null : "was not this build's");
  }

  private static String hashOf(ObjectNode body) {
    JsonNode meta = body.has("policy") ? body.get("policy").get("_meta") : body.get("_meta");
    return meta.get(IndexTemplates.HASH_META).asText();
  }

  /** The hash in the installed resource's {@code _meta}, "" when it has none, null when it does not exist. */
  private String installedHash(String path) {
    JsonNode response;
    try {
      Response r = rest.performRequest(new Request("GET", path));
      response = IndexTemplates.JSON.readTree(EntityUtils.toString(r.getEntity(), StandardCharsets.UTF_8));
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() == 404) {
        return null;
      }
      throw new IllegalStateException("GET " + path + " failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw unreachable(e);
    }
    JsonNode hash = response.findValue(IndexTemplates.HASH_META);
    return hash == null ? "" : hash.asText();
  }

  private void upgradeExistingIndices(Kind kind, List<Step> steps) {
    String pattern = templates.settings().names().pattern(kind);
    List<String> indices = new ArrayList<>();
    try {
      Response r = rest.performRequest(new Request("GET", "/_cat/indices/" + pattern + "?h=index&format=json&expand_wildcards=open"));
      IndexTemplates.JSON.readTree(EntityUtils.toString(r.getEntity(), StandardCharsets.UTF_8))
          .forEach(node -> indices.add(node.get("index").asText()));
    } catch (ResponseException e) {
      return;
    } catch (IOException e) {
      throw unreachable(e);
    }
    if (indices.isEmpty()) {
      return;
    }
    ObjectNode mapping = IndexTemplates.effectiveMappings(kind);
    Request request = new Request("PUT", "/" + pattern + "/_mapping");
    request.setJsonEntity(mapping.toString());
    perform(request, "mappings of the existing " + pattern + " indices");
    steps.add(new Step("existing indices", pattern, Action.UPDATED, "mappings of " + indices.size() + " index(es) upgraded"));
  }

  private void perform(Request request, String what) {
    try {
      rest.performRequest(request);
    } catch (ResponseException e) {
      throw new IllegalStateException("Elasticsearch refused the " + what + ": " + e.getResponse().getStatusLine() + " "
          + responseBody(e.getResponse()), e);
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  private static String responseBody(Response response) {
    try {
      return response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static UncheckedIOException unreachable(IOException e) {
    return new UncheckedIOException("cannot reach Elasticsearch: " + e.getMessage()
        + " (is it running, and are --url, --ca-cert and the credentials right?)", e);
  }
}
