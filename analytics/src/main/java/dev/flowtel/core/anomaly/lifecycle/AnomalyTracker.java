package dev.flowtel.core.anomaly.lifecycle;

import dev.flowtel.schema.PolicyAnomaly;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The open anomalies of one detector key. A finding opens an anomaly (revision 0, emitted at
 * once); findings within the cooldown of its last one update it, and it is emitted again with the
 * next revision when the report interval has passed since the last emission or the severity rose.
 * A finding after the cooldown opens a new anomaly, with a new id.
 */
public final class AnomalyTracker implements Serializable {

  private static final long serialVersionUID = 1L;

  private final HashMap<String, AnomalyEpisode> open = new HashMap<>();

  /** Records {@code finding}; emits the anomaly's new revision to {@code out} when one is due. */
  public void report(Finding finding, AnomalyPacing pacing, Consumer<PolicyAnomaly> out) {
    AnomalyEpisode episode = open.get(finding.key());
    if (episode != null && finding.firstMillis() > episode.lastSeenMillis + pacing.cooldownMillis()) {
      episode = null;
    }
    if (episode == null) {
      episode = new AnomalyEpisode(finding);
      open.put(finding.key(), episode);
      episode.add(finding);
      emit(episode, finding.lastMillis(), out);
      return;
    }
    boolean rose = finding.severity().ordinal() > episode.severity.ordinal()
        && finding.severity() != dev.flowtel.schema.Severity.UNKNOWN;
    if (rose) {
      episode.severity = finding.severity();
    }
    episode.add(finding);
    if (rose || finding.lastMillis() >= episode.lastEmittedAtMillis + pacing.reportIntervalMillis()) {
      emit(episode, finding.lastMillis(), out);
    } else {
      episode.pending = true;
    }
  }

  /** The anomaly open for {@code key} at {@code atMillis} (within the cooldown of its last finding), if any. */
  public AnomalyEpisode openAt(String key, long atMillis, AnomalyPacing pacing) {
    AnomalyEpisode episode = open.get(key);
    return episode != null && atMillis <= episode.lastSeenMillis + pacing.cooldownMillis() ? episode : null;
  }

  /**
   * Emits the revision an anomaly still owes (findings held back by the report interval) once the
   * interval has passed, and forgets anomalies whose cooldown ended before {@code watermark}.
   */
  public void expire(long watermark, AnomalyPacing pacing, Consumer<PolicyAnomaly> out) {
    Iterator<AnomalyEpisode> it = open.values().iterator();
    while (it.hasNext()) {
      AnomalyEpisode e = it.next();
      if (e.pending && (e.lastEmittedAtMillis + pacing.reportIntervalMillis() <= watermark
          || e.lastSeenMillis + pacing.cooldownMillis() < watermark)) {
        emit(e, Math.max(e.lastSeenMillis, e.lastEmittedAtMillis), out);
      }
      if (e.lastSeenMillis + pacing.cooldownMillis() < watermark) {
        it.remove();
      }
    }
  }

  /** The earliest time {@link #expire} has something to do, or Long.MAX_VALUE. */
  public long nextExpiry(AnomalyPacing pacing) {
    long next = Long.MAX_VALUE;
    for (AnomalyEpisode e : open.values()) {
      next = Math.min(next, e.lastSeenMillis + pacing.cooldownMillis() + 1);
      if (e.pending) {
        next = Math.min(next, e.lastEmittedAtMillis + pacing.reportIntervalMillis());
      }
    }
    return next;
  }

  public boolean isEmpty() {
    return open.isEmpty();
  }

  Map<String, AnomalyEpisode> open() {
    return open;
  }

  private static void emit(AnomalyEpisode episode, long at, Consumer<PolicyAnomaly> out) {
    episode.revision++;
    episode.pending = false;
    episode.lastEmittedAtMillis = at;
    out.accept(episode.toAvro());
  }
}
