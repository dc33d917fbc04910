package dev.flowtel.core.judgement;

import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * How an engine keeps the compacted cluster-state topic in its state so a {@link PolicyTimeline}
 * can be rebuilt after a restore: every version of every key, as encoded on the topic (an empty
 * array for a tombstone), under {@code key@observedAt}, the newest {@link #VERSIONS_KEPT} per key.
 */
public final class ClusterStateVersions {

  /** Versions of one key kept; older ones are folded into the timeline's base. */
  public static final int VERSIONS_KEPT = 4;
  public static final byte[] TOMBSTONE = new byte[0];

  private ClusterStateVersions() {}

  public static String versionKey(String key, long observedAtMillis) {
    return key + '@' + String.format("%020d", observedAtMillis);
  }

  /** Of the version keys of one cluster-state key, the ones beyond the newest {@link #VERSIONS_KEPT}. */
  public static List<String> prunable(List<String> versionsOfOneKey) {
    List<String> sorted = new ArrayList<>(versionsOfOneKey);
    sorted.sort(Comparator.naturalOrder());
    return sorted.subList(0, Math.max(0, sorted.size() - VERSIONS_KEPT));
  }

  /**
   * The timeline of the stored versions, applied in observedAt order; a record that is no valid
   * policy is skipped and reported to {@code skipped} (key, reason).
   */
  public static PolicyTimeline rebuild(Iterable<Map.Entry<String, byte[]>> entries, BiConsumer<String, String> skipped) {
    WireCodec<ClusterState> codec = WireCodec.of(RecordType.CLUSTER_STATE);
    PolicyTimeline rebuilt = new PolicyTimeline();
    List<Map.Entry<String, byte[]>> sorted = new ArrayList<>();
    entries.forEach(sorted::add);
    sorted.sort(Comparator.comparing((Map.Entry<String, byte[]> e) -> e.getKey().substring(e.getKey().lastIndexOf('@') + 1))
        .thenComparing(Map.Entry::getKey));
    for (Map.Entry<String, byte[]> e : sorted) {
      int at = e.getKey().lastIndexOf('@');
      String key = e.getKey().substring(0, at);
      long observedAt = Long.parseLong(e.getKey().substring(at + 1));
      ClusterState value = e.getValue() == null || e.getValue().length == 0 ? null : codec.decode(e.getValue()).orElseThrow();
      try {
        rebuilt.apply(key, value, observedAt);
      } catch (IllegalArgumentException ex) {
        skipped.accept(key, ex.getMessage());
      }
    }
    return rebuilt;
  }

  /**
   * Judges a flow at the edge detectors: not before the engine has event time (the cluster state
   * may still be arriving, and a policy set read halfway would deny what the rest allows), never a
   * reply; and folds the timeline's changes older than the policy-change grace (plus a minute)
   * into its base once a minute of event time.
   */
  public static final class Judge {
    private PolicyTimeline timeline;
    private long compactedAt;

    public Judge(PolicyTimeline timeline) {
      this.timeline = timeline;
    }

    public PolicyTimeline timeline() {
      return timeline;
    }

    public void replace(PolicyTimeline rebuilt) {
      this.timeline = rebuilt;
      this.compactedAt = 0;
    }

    /**
     * Judges {@code flow} at {@code watermark}; a denial that the policies in force within {@code
     * policyChangeGrace} before allowed is marked recently allowed.
     */
    public PolicyJudgement judge(ObservedFlow flow, long watermark, Duration policyChangeGrace) {
      long horizon = watermark - policyChangeGrace.toMillis() - 60_000;
      if (watermark != Long.MIN_VALUE && horizon > compactedAt + 60_000) {
        timeline.compactBefore(horizon);
        compactedAt = horizon;
      }
      return flow.reply() || watermark == Long.MIN_VALUE ? PolicyJudgement.UNKNOWN
          : timeline.judge(flow, policyChangeGrace.toMillis());
    }
  }
}
