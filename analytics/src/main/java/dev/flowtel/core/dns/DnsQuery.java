package dev.flowtel.core.dns;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.schema.DnsTransaction;
import java.util.Locale;

/**
 * What the DNS detectors need of one {@link DnsTransaction}: who asked, for what, and what came back.
 *
 * @param client the querying workload (or node, or address) as an edge end
 * @param clientKey the key detection groups by: {@code client.key()}, the workload for pods
 * @param name the question's name, lower-cased, without the trailing dot
 * @param responseCode RCODE of the response, or null when none came
 * @param timeMillis event time: when the query passed the hook
 */
public record DnsQuery(EdgeEnd client, String clientKey, String name, int type, Integer responseCode, long timeMillis) {

  public static final int NOERROR = 0;
  public static final int SERVFAIL = 2;
  public static final int NXDOMAIN = 3;

  public DnsQuery {
    name = normalise(name);
  }

  public static DnsQuery of(DnsTransaction transaction) {
    EdgeEnd client = EdgeEnd.client(transaction.getClient());
    return new DnsQuery(client, client.key(), transaction.getQueryName(), transaction.getQueryType(),
        transaction.getResponseCode(), transaction.getQueryTime().toEpochMilli());
  }

  public boolean nxdomain() {
    return responseCode != null && responseCode == NXDOMAIN;
  }

  private static String normalise(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }
}
