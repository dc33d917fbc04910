package dev.flowtel.collector.publish;

import dev.flowtel.wire.FlowtelTopics;
import java.time.Duration;
import java.util.Objects;

/**
 * How the publisher hands records to Kafka and when it falls back to the spool.
 *
 * @param flowsTopic topic of FlowEvent records (default flowtel.flows.v1)
 * @param clusterStateTopic topic of ClusterState records from sources that model the cluster
 *     (the simulator) (default flowtel.cluster-state.v1)
 * @param queueCapacity records the in-memory hand-off queue holds between the source and the
 *     publisher thread (default 65536)
 * @param handoffTimeout the longest a source thread waits for room in that queue; a record that
 *     still finds it full is counted as lost (reason handoff-timeout) and the source goes on
 *     (default 200 ms)
 * @param maxInFlightRecords records handed to the producer and not yet acknowledged; at this
 *     many the producer is "not keeping up" and new records go to the spool (default 50000)
 * @param spillAfter when the oldest unacknowledged record is this old, new records go to the
 *     spool (default 5 s)
 * @param replayBatchRecords records read from the spool and sent per replay round; the spool
 *     cursor moves when the broker acknowledged the round (default 5000)
 * @param replayBackoff wait after a failed replay round before the next attempt (default 1 s)
 * @param shutdownTimeout on close, how long to wait for the broker to acknowledge what is in
 *     flight before moving it to the spool (default 10 s)
 * @param dnsTopic topic of DnsTransaction records from the ebpf source (default flowtel.dns.v1)
 */
public record PublisherSettings(
    String flowsTopic,
    String clusterStateTopic,
    int queueCapacity,
    Duration handoffTimeout,
    int maxInFlightRecords,
    Duration spillAfter,
    int replayBatchRecords,
    Duration replayBackoff,
    Duration shutdownTimeout,
    String dnsTopic) {

  public PublisherSettings {
    Objects.requireNonNull(flowsTopic, "flowsTopic");
    Objects.requireNonNull(dnsTopic, "dnsTopic");
    Objects.requireNonNull(clusterStateTopic, "clusterStateTopic");
    require(queueCapacity > 0, "queue capacity", queueCapacity);
    require(!handoffTimeout.isNegative(), "hand-off timeout", handoffTimeout);
    require(maxInFlightRecords > 0, "max in-flight records", maxInFlightRecords);
    require(spillAfter.toMillis() > 0, "spill-after", spillAfter);
    require(replayBatchRecords > 0, "replay batch", replayBatchRecords);
    require(!replayBackoff.isNegative(), "replay backoff", replayBackoff);
    require(!shutdownTimeout.isNegative(), "shutdown timeout", shutdownTimeout);
  }

  private static void require(boolean ok, String what, Object value) {
    if (!ok) {
      throw new IllegalArgumentException("publisher " + what + " " + value + " is out of range: give a positive value");
    }
  }

  public static PublisherSettings defaults() {
    return new PublisherSettings(FlowtelTopics.FLOWS, FlowtelTopics.CLUSTER_STATE, 65_536, Duration.ofMillis(200), 50_000,
        Duration.ofSeconds(5), 5_000, Duration.ofSeconds(1), Duration.ofSeconds(10), FlowtelTopics.DNS);
  }

  public PublisherSettings withTopics(String flows, String clusterState) {
    return new PublisherSettings(flows, clusterState, queueCapacity, handoffTimeout, maxInFlightRecords, spillAfter, replayBatchRecords, replayBackoff, shutdownTimeout, dnsTopic);
  }

  public PublisherSettings withQueue(int capacity, Duration handoff) {
    return new PublisherSettings(flowsTopic, clusterStateTopic, capacity, handoff, maxInFlightRecords, spillAfter, replayBatchRecords, replayBackoff, shutdownTimeout, dnsTopic);
  }

  public PublisherSettings withSpillThresholds(int maxInFlight, Duration after) {
    return new PublisherSettings(flowsTopic, clusterStateTopic, queueCapacity, handoffTimeout, maxInFlight, after, replayBatchRecords, replayBackoff, shutdownTimeout, dnsTopic);
  }

  public PublisherSettings withReplay(int batchRecords, Duration backoff) {
    return new PublisherSettings(flowsTopic, clusterStateTopic, queueCapacity, handoffTimeout, maxInFlightRecords, spillAfter, batchRecords, backoff, shutdownTimeout, dnsTopic);
  }

  public PublisherSettings withShutdownTimeout(Duration v) {
    return new PublisherSettings(flowsTopic, clusterStateTopic, queueCapacity, handoffTimeout, maxInFlightRecords, spillAfter, replayBatchRecords, replayBackoff, v, dnsTopic);
  }

  public PublisherSettings withDnsTopic(String dns) {
    return new PublisherSettings(flowsTopic, clusterStateTopic, queueCapacity, handoffTimeout, maxInFlightRecords, spillAfter, replayBatchRecords, replayBackoff, shutdownTimeout, dns);
  }
}
