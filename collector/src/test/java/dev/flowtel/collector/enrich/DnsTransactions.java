package dev.flowtel.collector.enrich;

import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.DnsAnswer;
import dev.flowtel.schema.DnsTransaction;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** DNS transactions as the capture reports them (client and server not set), for the enrichment tests. */
final class DnsTransactions {

  private DnsTransactions() {}

  /** {@code client} asked {@code server} for {@code name}'s A records at {@code at}; answered 2 ms later with {@code rcode}. */
  static DnsTransaction answered(String client, String server, String name, Instant at, int rcode, long ttl, String... addresses) {
    List<DnsAnswer> answers = new ArrayList<>();
    for (String a : addresses) {
      answers.add(new DnsAnswer(ByteBuffer.wrap(bytes(a)), ttl));
    }
    return DnsTransaction.newBuilder().setQueryTime(at).setResponseTime(at.plusMillis(2)).setLatencyNanos(2_000_000L)
        .setNode("node-1").setIpVersion(4).setClientAddr(ByteBuffer.wrap(bytes(client)))
        .setServerAddr(ByteBuffer.wrap(bytes(server))).setClientPort(40_001).setServerPort(53).setProtocol(17)
        .setTransactionId(0x1234).setQueryName(name).setQueryType(1).setResponseCode(rcode).setAnswerCount(answers.size())
        .setAnswers(answers).build();
  }

  static byte[] bytes(String ip) {
    IpAddress a = IpAddress.parse(ip);
    return ByteBuffer.allocate(4).putInt((int) a.low()).array();
  }
}
