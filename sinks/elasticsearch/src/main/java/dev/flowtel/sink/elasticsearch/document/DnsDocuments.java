package dev.flowtel.sink.elasticsearch.document;

import dev.flowtel.schema.DnsAnswer;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.sink.elasticsearch.identity.DocumentIds;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * DnsTransaction as an ECS DNS event in the DNS index of its query's day: {@code dns.question.*},
 * {@code dns.response_code}, {@code dns.answers.*}, {@code event.duration} (the latency, ns), {@code client.*} and
 * {@code server.*} with the workloads under {@code flowtel.client.*} / {@code flowtel.server.*} as the flows
 * documents write theirs, and the client's workload in {@code orchestrator.*}/{@code kubernetes.*}.
 *
 * <p>The id is the observing node, the client's address and port, the DNS ID and the query time: what makes one
 * transaction, so a replayed record overwrites its document.
 */
public final class DnsDocuments implements DocumentBuilder<DnsTransaction> {

  private static final long serialVersionUID = 1L;

  /** RCODE names (RFC 1035, 6895), as ECS {@code dns.response_code} spells them. */
  private static final Map<Integer, String> RESPONSE_CODES = Map.ofEntries(Map.entry(0, "NOERROR"), Map.entry(1, "FORMERR"),
      Map.entry(2, "SERVFAIL"), Map.entry(3, "NXDOMAIN"), Map.entry(4, "NOTIMP"), Map.entry(5, "REFUSED"),
      Map.entry(6, "YXDOMAIN"), Map.entry(7, "YXRRSET"), Map.entry(8, "NXRRSET"), Map.entry(9, "NOTAUTH"),
      Map.entry(10, "NOTZONE"));

  /** QTYPE names of the common types; others are written as {@code TYPE<n>} (RFC 3597). */
  private static final Map<Integer, String> QUERY_TYPES = Map.ofEntries(Map.entry(1, "A"), Map.entry(2, "NS"),
      Map.entry(5, "CNAME"), Map.entry(6, "SOA"), Map.entry(12, "PTR"), Map.entry(15, "MX"), Map.entry(16, "TXT"),
      Map.entry(28, "AAAA"), Map.entry(33, "SRV"), Map.entry(35, "NAPTR"), Map.entry(64, "SVCB"), Map.entry(65, "HTTPS"),
      Map.entry(255, "ANY"));

  private final IndexNames names;

  public DnsDocuments(IndexNames names) {
    this.names = names;
  }

  @Override
  public IndexDocument build(DnsTransaction t) {
    boolean answered = t.getResponseCode() != null;
    String code = answered ? responseCode(t.getResponseCode()) : null;
    List<Map<String, Object>> answers = new ArrayList<>();
    List<String> resolved = new ArrayList<>();
    for (DnsAnswer a : t.getAnswers()) {
      String ip = EndpointFields.address(a.getAddress());
      answers.add(Map.of("data", ip, "ttl", a.getTtlSeconds()));
      resolved.add(ip);
    }
    DocumentFields f = new DocumentFields()
        .put("@timestamp", t.getQueryTime().toString())
        .put("ecs.version", Ecs.VERSION)
        .put("event.kind", "event")
        .put("event.category", List.of("network"))
        .put("event.type", List.of("protocol"))
        // An error answer is still a DNS exchange that worked; failure is an unanswered query or a server error.
        .put("event.outcome", !answered ? "failure" : code.equals("SERVFAIL") || code.equals("REFUSED") ? "failure" : "success")
        .put("event.module", "flowtel")
        .put("event.dataset", "flowtel.dns")
        .put("event.start", t.getQueryTime().toString())
        .put("event.end", t.getResponseTime() == null ? null : t.getResponseTime().toString())
        .put("event.duration", t.getLatencyNanos())
        .put("observer.hostname", t.getNode())
        .put("network.type", t.getIpVersion() == 6 ? "ipv6" : "ipv4")
        .put("network.transport", Ecs.transport(t.getProtocol()))
        .put("network.iana_number", Integer.toString(t.getProtocol()))
        .put("network.protocol", "dns")
        .put("client.ip", EndpointFields.address(t.getClientAddr()))
        .put("client.port", t.getClientPort())
        .put("server.ip", EndpointFields.address(t.getServerAddr()))
        .put("server.port", t.getServerPort())
        .put("server.domain", t.getServer() == null ? null : t.getServer().getDomain())
        .put("dns.type", answered ? "answer" : "query")
        .put("dns.id", Integer.toString(t.getTransactionId()))
        .put("dns.question.name", t.getQueryName())
        .put("dns.question.type", queryType(t.getQueryType()))
        .put("dns.response_code", code)
        .put("dns.header_flags", t.getTruncated() ? List.of("TC") : null)
        .put("dns.answers", answers)
        .put("dns.resolved_ip", resolved);
    Endpoint client = t.getClient();
    if (client != null) {
      Ecs.putWorkload(f, client.getNamespace(), client.getWorkloadKind(), client.getWorkloadName());
    }
    EndpointFields.put(f, "client", client);
    EndpointFields.put(f, "server", t.getServer());
    if (t.getServer() != null) {
      // The DNS service the server answered as (kube-dns); a client's services are not mapped for DNS.
      f.put(EndpointFields.prefix("server") + "services", t.getServer().getServices());
    }
    f.put("flowtel.dns.id", documentId(t))
        .put("flowtel.dns.answer_count", t.getAnswerCount())
        .put("flowtel.dns.answers_truncated", t.getAnswersTruncated() ? true : null)
        .put("flowtel.dns.interface.name", t.getInterfaceName())
        .put("flowtel.dns.interface.index", t.getInterfaceIndex());
    return new IndexDocument(names.dnsIndex(t.getQueryTime()), documentId(t), null, f.toMap());
  }

  public static String documentId(DnsTransaction t) {
    return DocumentIds.of("dns", t.getNode(), EndpointFields.bytes(t.getClientAddr()), t.getClientPort(), t.getTransactionId(),
        t.getQueryTime().toString());
  }

  /** {@code dns.response_code}: the RCODE's name, else its number. */
  public static String responseCode(int code) {
    return RESPONSE_CODES.getOrDefault(code, Integer.toString(code));
  }

  /** {@code dns.question.type}: the QTYPE's name, else {@code TYPE<n>}. */
  public static String queryType(int type) {
    return QUERY_TYPES.getOrDefault(type, "TYPE" + type);
  }
}
