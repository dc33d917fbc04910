package dev.flowtel.cli;

import dev.flowtel.core.config.KafkaClientOptions;
import dev.flowtel.core.policy.ClusterStatePolicies;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.manifest.ManifestContents;
import dev.flowtel.core.policy.manifest.ManifestException;
import dev.flowtel.core.policy.manifest.ManifestReader;
import dev.flowtel.core.policy.manifest.ObjectKind;
import dev.flowtel.schema.ClusterObjectKind;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.wire.FlowtelTopics;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./flowtel policy stage}: publishes NetworkPolicy manifests as staged policies on the
 * cluster-state topic, where both engines evaluate them in shadow. They are never applied to the
 * cluster, so no CNI enforces them: an annotation on a real NetworkPolicy could not promise that.
 */
@Command(name = "stage", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
    description = {"Stages NetworkPolicies: both engines judge every connection with them applied beside the policies in force",
        "and write, per staged policy, edge and window, what they would allow and deny (flowtel.staged-verdicts.v1, and the",
        "'Flowtel - staged policies' dashboard). Nothing is enforced and no verdict or anomaly of the policies in force changes.",
        "A staged policy with the name of one in force stands in for it. --unstage withdraws the policies in the files."})
final class PolicyStageCommand implements Callable<Integer> {

  static final int BAD_INPUT = 2;
  static final int BROKER_FAILED = 3;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--policies", split = ",", required = true, paramLabel = "<file or dir>",
      description = "NetworkPolicy manifests (YAML or JSON, as kubectl apply -f takes them).")
  List<Path> policies;

  @Option(names = "--unstage", description = "Withdraw the staged policies of these manifests instead of staging them.")
  boolean unstage;

  @Option(names = "--cluster-state-topic", defaultValue = FlowtelTopics.CLUSTER_STATE,
      description = "The compacted cluster-state topic the engines read.")
  String clusterStateTopic;

  @Mixin
  KafkaClientOptions kafka = new KafkaClientOptions();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ManifestContents read;
    try {
      read = ManifestReader.read(policies, EnumSet.of(ObjectKind.NetworkPolicy), "--policies");
    } catch (ManifestException e) {
      err.println("flowtel policy stage: " + e.getMessage());
      err.flush();
      return BAD_INPUT;
    }
    read.warnings().forEach(w -> err.println("warning: " + w));
    if (read.policies().isEmpty()) {
      err.println("flowtel policy stage: no NetworkPolicy in " + policies);
      err.flush();
      return BAD_INPUT;
    }
    Map<String, Object> settings = new HashMap<>(kafka.settings());
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    WireCodec<ClusterState> codec = WireCodec.of(RecordType.CLUSTER_STATE);
    Instant now = Instant.now();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (NetworkPolicy policy : read.policies()) {
        String key = "StagedNetworkPolicy/" + policy.namespace() + "/" + policy.name();
        byte[] value = unstage ? null : codec.encode(ClusterState.newBuilder().setKind(ClusterObjectKind.STAGED_NETWORK_POLICY)
            .setObservedAt(now).setNetworkPolicy(ClusterStatePolicies.networkPolicyState(policy)).build());
        Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(clusterStateTopic, null, now.toEpochMilli(),
            key.getBytes(StandardCharsets.UTF_8), value));
        sent.get(Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS);
        out.println((unstage ? "unstaged " : "staged ") + policy.id());
      }
    } catch (ExecutionException | TimeoutException e) {
      out.flush();
      err.println("flowtel policy stage: the broker at " + kafka.bootstrapServers() + " did not take the record: "
          + (e.getCause() == null ? e : e.getCause()));
      err.flush();
      return BROKER_FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return BROKER_FAILED;
    }
    if (!unstage) {
      out.println("verdicts per staged policy, edge and window: " + FlowtelTopics.STAGED_VERDICTS
          + " (after each window closes: --window plus --allowed-lateness)");
    }
    out.flush();
    return 0;
  }
}
