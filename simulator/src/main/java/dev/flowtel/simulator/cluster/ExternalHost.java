package dev.flowtel.simulator.cluster;

import dev.flowtel.schema.NetworkClass;

/** An address outside the cluster: the upstream DNS, a SaaS API, internet clients, or an episode's odd destination. */
public record ExternalHost(String name, int address, NetworkClass networkClass, String description) {

  public String id() {
    return "external/" + name;
  }
}
