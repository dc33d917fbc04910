package dev.flowtel.core.policy.manifest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flowtel.core.policy.ContainerPort;
import dev.flowtel.core.policy.NamespaceInfo;
import dev.flowtel.core.policy.history.ClusterInventory;
import dev.flowtel.core.policy.history.InventoryService;
import dev.flowtel.core.policy.history.InventoryWorkload;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A cluster inventory as {@code kubectl get -o yaml} prints it (a List of Namespaces, workloads with
 * selector and pod template, and Services), so a simulated cluster can be handed to the commands
 * that take {@code --cluster} exactly as a real one is.
 */
public final class InventoryManifestWriter {

  private InventoryManifestWriter() {}

  public static String write(ClusterInventory inventory) {
    YAMLMapper yaml = new YAMLMapper();
    ObjectNode list = yaml.createObjectNode().put("apiVersion", "v1").put("kind", "List");
    ArrayNode items = list.putArray("items");
    for (NamespaceInfo namespace : inventory.namespaces()) {
      ObjectNode item = items.addObject().put("apiVersion", "v1").put("kind", "Namespace");
      ObjectNode metadata = item.putObject("metadata").put("name", namespace.name());
      namespace.labels().forEach(metadata.putObject("labels")::put);
    }
    for (InventoryWorkload workload : inventory.workloads()) {
      ObjectNode item = items.addObject().put("apiVersion", "apps/v1").put("kind", workload.kind());
      item.putObject("metadata").put("name", workload.name()).put("namespace", workload.namespace());
      ObjectNode spec = item.putObject("spec");
      workload.selector().matchLabels().forEach(spec.putObject("selector").putObject("matchLabels")::put);
      ObjectNode template = spec.putObject("template");
      workload.podLabels().forEach(template.putObject("metadata").putObject("labels")::put);
      ObjectNode container = template.putObject("spec").putArray("containers").addObject().put("name", "app");
      ArrayNode ports = container.putArray("ports");
      for (ContainerPort port : workload.ports()) {
        ports.addObject().put("name", port.name()).put("containerPort", port.port()).put("protocol", port.protocol().name());
      }
    }
    for (InventoryService service : inventory.services()) {
      ObjectNode item = items.addObject().put("apiVersion", "v1").put("kind", "Service");
      item.putObject("metadata").put("name", service.name()).put("namespace", service.namespace());
      service.selector().forEach(item.putObject("spec").putObject("selector")::put);
    }
    try {
      return yaml.writeValueAsString(list);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
