package dev.flowtel.sink.elasticsearch.index;

import dev.flowtel.sink.elasticsearch.index.IndexNames.Kind;

/**
 * Everything {@code flowtel es setup} installs is shaped by these options; the same names appear
 * in {@code --help} and in sinks/elasticsearch/README.md.
 *
 * @param names             index, template and alias names (their common prefix)
 * @param shards            primary shards of each daily/monthly index
 * @param replicas          replicas of each index (0 on a single-node cluster keeps it green)
 * @param refreshInterval   how soon written documents become searchable
 * @param withFlows         also install the template for sampled raw flows (off by default)
 * @param trafficRetention  ILM: delete a traffic index, and a staged-verdicts index, this long after it was created
 * @param anomalyRetention  ILM: delete an anomalies index this long after it was created
 * @param flowRetention     ILM: delete a flows index, and a DNS index, this long after it was created
 */
public record IndexSettings(IndexNames names, int shards, int replicas, String refreshInterval, boolean withFlows,
    String trafficRetention, String anomalyRetention, String flowRetention) {

  public static IndexSettings defaults(IndexNames names) {
    return new IndexSettings(names, 1, 1, "5s", false, "30d", "365d", "3d");
  }

  public IndexSettings withReplicas(int newReplicas) {
    return new IndexSettings(names, shards, newReplicas, refreshInterval, withFlows, trafficRetention, anomalyRetention, flowRetention);
  }

  public IndexSettings withFlows(boolean flows) {
    return new IndexSettings(names, shards, replicas, refreshInterval, flows, trafficRetention, anomalyRetention, flowRetention);
  }

  public IndexSettings withRefreshInterval(String interval) {
    return new IndexSettings(names, shards, replicas, interval, withFlows, trafficRetention, anomalyRetention, flowRetention);
  }

  /**
   * A staged verdict judges one traffic window, so it is kept as long as the window it judges: a
   * verdict without its traffic beside it can no longer be checked, and one retention fewer to set.
   */
  public String retention(Kind kind) {
    return switch (kind) {
      case TRAFFIC, STAGED_VERDICTS -> trafficRetention;
      case ANOMALIES -> anomalyRetention;
      case FLOWS, DNS -> flowRetention;
    };
  }
}
