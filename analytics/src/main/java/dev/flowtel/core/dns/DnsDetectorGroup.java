package dev.flowtel.core.dns;

import dev.flowtel.schema.PolicyAnomaly;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every DNS detector's state for one client, as one serializable value an engine keeps per key
 * ({@link DnsQuery#clientKey()}): the engine hands it each query and each watermark and asks when it next has work.
 */
public final class DnsDetectorGroup implements Serializable {

  private static final long serialVersionUID = 1L;

  private final List<Slot<?>> slots = new ArrayList<>();

  public DnsDetectorGroup(List<DnsDetector<?>> detectors) {
    detectors.forEach(d -> slots.add(Slot.of(d)));
  }

  public void onQuery(DnsQuery query, long learningUntilMillis, Consumer<PolicyAnomaly> out) {
    slots.forEach(s -> s.onQuery(query, learningUntilMillis, out));
  }

  public void onWatermark(long watermark, Consumer<PolicyAnomaly> out) {
    slots.forEach(s -> {
      if (s.nextDeadline() <= watermark) {
        s.onWatermark(watermark, out);
      }
    });
  }

  public long nextDeadline() {
    long next = Long.MAX_VALUE;
    for (Slot<?> s : slots) {
      next = Math.min(next, s.nextDeadline());
    }
    return next;
  }

  public boolean isEmpty() {
    return slots.stream().allMatch(Slot::isEmpty);
  }

  private record Slot<S extends Serializable>(DnsDetector<S> detector, S state) implements Serializable {

    static <S extends Serializable> Slot<S> of(DnsDetector<S> detector) {
      return new Slot<>(detector, detector.newState());
    }

    void onQuery(DnsQuery query, long learningUntilMillis, Consumer<PolicyAnomaly> out) {
      if (detector.accepts(query)) {
        detector.onQuery(state, query, learningUntilMillis, out);
      }
    }

    void onWatermark(long watermark, Consumer<PolicyAnomaly> out) {
      detector.onWatermark(state, watermark, out);
    }

    long nextDeadline() {
      return detector.nextDeadline(state);
    }

    boolean isEmpty() {
      return detector.isEmpty(state);
    }
  }
}
