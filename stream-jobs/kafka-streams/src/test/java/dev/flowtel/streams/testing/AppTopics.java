package dev.flowtel.streams.testing;

import dev.flowtel.testing.NewTopics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The app's eight topics for one IT run, created on the real broker under names no other run
 * shares. The flows topic has the partitions asked for, the others one; every topic keeps its
 * records (the simulated input and its results carry timestamps from the past).
 */
public record AppTopics(String run, String flows, String state, String traffic, String anomalies, String stagedVerdicts,
    String dlq, String dns, String dnsActivity) {

  public static AppTopics create(String bootstrap, String prefix, int flowsPartitions) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    AppTopics topics = new AppTopics(run, prefix + ".flows." + run, prefix + ".state." + run, prefix + ".traffic." + run,
        prefix + ".anomalies." + run, prefix + ".staged-verdicts." + run, prefix + ".dlq." + run,
        prefix + ".dns." + run, prefix + ".dns-activity." + run);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      List<NewTopic> created = new ArrayList<>();
      for (String name : List.of(topics.flows, topics.state, topics.traffic, topics.anomalies, topics.stagedVerdicts,
          topics.dlq, topics.dns, topics.dnsActivity)) {
        created.add(new NewTopic(name, name.equals(topics.flows) ? flowsPartitions : 1, (short) 1)
            .configs(Map.of("retention.ms", "-1")));
      }
      NewTopics.create(admin, created);
    }
    return topics;
  }

  /** The app's options naming these topics. */
  public List<String> options() {
    return List.of("--flows-topic", flows, "--cluster-state-topic", state, "--traffic-topic", traffic, "--anomalies-topic",
        anomalies, "--staged-verdicts-topic", stagedVerdicts, "--dlq-topic", dlq, "--dns-topic", dns,
        "--dns-activity-topic", dnsActivity);
  }
}
