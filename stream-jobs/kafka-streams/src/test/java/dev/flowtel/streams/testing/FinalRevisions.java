package dev.flowtel.streams.testing;

import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.core.dns.activity.DnsActivityWindows;
import dev.flowtel.schema.DnsActivity;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Output at its final revisions: what a subscriber compacting on the key ends with. The revision
 * number is set to 0, since how many revisions led there may depend on watermark timing.
 */
public final class FinalRevisions {

  private FinalRevisions() {}

  public static Map<String, ServiceTraffic> traffic(List<ServiceTraffic> records) {
    Map<String, ServiceTraffic> last = new TreeMap<>();
    for (ServiceTraffic t : records) {
      last.merge(TrafficWindows.recordKey(t), t, (a, b) -> b.getRevision() >= a.getRevision() ? b : a);
    }
    last.replaceAll((k, t) -> ServiceTraffic.newBuilder(t).setRevision(0).build());
    return last;
  }

  /** DnsActivity by its record key and window start. */
  public static Map<String, DnsActivity> dnsActivity(List<DnsActivity> records) {
    Map<String, DnsActivity> last = new TreeMap<>();
    for (DnsActivity a : records) {
      last.merge(DnsActivityWindows.recordKey(a) + '@' + a.getWindowStart().toEpochMilli(), a,
          (x, y) -> y.getRevision() >= x.getRevision() ? y : x);
    }
    last.replaceAll((k, a) -> DnsActivity.newBuilder(a).setRevision(0).build());
    return last;
  }

  public static Map<String, PolicyAnomaly> anomalies(List<PolicyAnomaly> records) {
    Map<String, PolicyAnomaly> last = new TreeMap<>();
    for (PolicyAnomaly a : records) {
      last.merge(a.getId(), a, (x, y) -> y.getRevision() >= x.getRevision() ? y : x);
    }
    last.replaceAll((k, a) -> PolicyAnomaly.newBuilder(a).setRevision(0).build());
    return last;
  }
}
