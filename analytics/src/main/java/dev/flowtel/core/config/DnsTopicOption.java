package dev.flowtel.core.config;

import dev.flowtel.wire.FlowtelTopics;
import java.io.Serializable;
import picocli.CommandLine.Option;

/** {@code --dns-topic}: where DNS transactions are read from, as every job that reads them takes it. */
public final class DnsTopicOption implements Serializable {

  private static final long serialVersionUID = 1L;

  @Option(names = "--dns-topic", defaultValue = FlowtelTopics.DNS, description = "Topic to read DnsTransaction from.")
  String dnsTopic;

  public String dnsTopic() {
    return dnsTopic;
  }
}
