package dev.flowtel.streams;

import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * DNS transactions as the collector publishes them: a pod's query to kube-dns at a given time, with
 * its response code and latency (null code: unanswered), keyed {@code namespace/workload}.
 */
public final class ScriptedDns {

  public static final byte[] KUBE_DNS_IP = {10, 96, 0, 10};
  private static final WireCodec<DnsTransaction> CODEC = WireCodec.of(RecordType.DNS_TRANSACTION);

  private ScriptedDns() {}

  public static DnsTransaction query(Endpoint client, byte[] clientIp, Instant at, String name, Integer responseCode,
      Long latencyMicros) {
    long queryNanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
    Long latencyNanos = latencyMicros == null ? null : latencyMicros * 1_000;
    return DnsTransaction.newBuilder()
        .setQueryTime(at)
        .setResponseTime(latencyNanos == null ? null : Instant.ofEpochSecond(0, queryNanos + latencyNanos))
        .setLatencyNanos(latencyNanos)
        .setNode(client.getNode() == null ? "node-a" : client.getNode())
        .setIpVersion(4).setClientAddr(ByteBuffer.wrap(clientIp.clone())).setServerAddr(ByteBuffer.wrap(KUBE_DNS_IP.clone()))
        .setClientPort(40_000 + Math.floorMod(name.hashCode(), 20_000)).setServerPort(53).setProtocol(17)
        .setTransactionId(Math.floorMod(name.hashCode() ^ at.getNano(), 65_536))
        .setQueryName(name).setQueryType(1).setResponseCode(responseCode)
        .setAnswerCount(responseCode != null && responseCode == 0 ? 1 : 0)
        .setAnswers(List.of()).setClient(client).setServer(null).build();
  }

  /** A pod of {@code workload} (a Deployment) in {@code namespace}, as enrichment names a querier. */
  public static Endpoint pod(String namespace, String workload, String node) {
    return Endpoint.newBuilder().setKind(dev.flowtel.schema.EndpointKind.POD).setNamespace(namespace)
        .setPod(workload + "-5c7d-aaaaa").setWorkloadKind("Deployment").setWorkloadName(workload)
        .setLabels(java.util.Map.of("app", workload)).setNode(node).setNetworkClass(dev.flowtel.schema.NetworkClass.POD).build();
  }

  public static byte[] encode(DnsTransaction transaction) {
    return CODEC.encode(transaction);
  }

  /** The key the collector gives it: the client's namespace/workload. */
  public static byte[] key(DnsTransaction transaction) {
    Endpoint c = transaction.getClient();
    return (c.getNamespace() + "/" + c.getWorkloadName()).getBytes(StandardCharsets.UTF_8);
  }

  public static String letters(Random rnd, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append((char) ('a' + rnd.nextInt(26)));
    }
    return b.toString();
  }

  public static String hex(Random rnd, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(Character.forDigit(rnd.nextInt(16), 16));
    }
    return b.toString();
  }
}
