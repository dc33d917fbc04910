package dev.flowtel.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.localstack.KafkaCluster;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.testing.CommittedRecords;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The output side of the broker-kill scenarios, as a read_committed consumer sees it: every traffic
 * window and every anomaly at revisions 0, 1, 2, ... once each and in that order (a window or a
 * revision written twice, or one skipped, fails), and the final revisions, whose traffic must sum to
 * exactly the bytes and packets of the flows.
 */
final class CommittedResults {

  private CommittedResults() {}

  /** The final revision of every window on {@code topic}, by {@link TrafficWindows#recordKey}, once its revisions are checked. */
  static Map<String, ServiceTraffic> traffic(KafkaCluster cluster, String topic) {
    WireCodec<ServiceTraffic> codec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
    return finalRevisions(read(cluster, topic, codec), TrafficWindows::recordKey, ServiceTraffic::getRevision, "window");
  }

  /** The final revision of every anomaly on {@code topic}, by id, once its revisions are checked. */
  static Map<String, PolicyAnomaly> anomalies(KafkaCluster cluster, String topic) {
    WireCodec<PolicyAnomaly> codec = WireCodec.of(RecordType.POLICY_ANOMALY);
    return finalRevisions(read(cluster, topic, codec), PolicyAnomaly::getId, PolicyAnomaly::getRevision, "anomaly");
  }

  static void assertConserves(Map<String, ServiceTraffic> windows, PublishedFlows.Totals flows) {
    assertThat(flows.bytes()).isPositive();
    assertThat(windows.values().stream().mapToLong(t -> t.getBytesToDestination() + t.getBytesToSource()).sum())
        .as("bytes in ServiceTraffic").isEqualTo(flows.bytes());
    assertThat(windows.values().stream().mapToLong(t -> t.getPacketsToDestination() + t.getPacketsToSource()).sum())
        .as("packets in ServiceTraffic").isEqualTo(flows.packets());
  }

  private static <T extends org.apache.avro.specific.SpecificRecordBase> List<T> read(KafkaCluster cluster, String topic, WireCodec<T> codec) {
    return CommittedRecords.readToEnd(cluster.bootstrapServers(), topic, PublishedFlows.LIMIT).stream()
        .map(r -> codec.decode(r.value()).orElseThrow()).toList();
  }

  /** Records of one key share a partition, so they are read in the order written. */
  private static <T> Map<String, T> finalRevisions(List<T> records, Function<T, String> key, Function<T, Integer> revision,
      String what) {
    Map<String, List<Integer>> seen = new LinkedHashMap<>();
    Map<String, T> last = new LinkedHashMap<>();
    for (T r : records) {
      seen.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(revision.apply(r));
      last.put(key.apply(r), r);
    }
    assertThat(seen).as("revisions of each %s, in the order written", what).allSatisfy((k, revisions) ->
        assertThat(revisions).as(k).containsExactlyElementsOf(IntStream.range(0, revisions.size()).boxed().toList()));
    return last;
  }
}
