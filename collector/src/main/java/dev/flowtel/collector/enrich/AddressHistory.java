package dev.flowtel.collector.enrich;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The pods that held one IP, each for a {@code [start, end)} interval, oldest first. Immutable:
 * writers replace the whole history, so readers on flow threads never lock. Kubernetes gives an IP
 * to one pod at a time, so when intervals overlap (a delete seen late, a new pod already started)
 * the pod that started last holds the address from its start on.
 */
final class AddressHistory {

  /** One pod's hold on the address. */
  record Tenancy(PodEntry pod, long start, long end) {}

  static final AddressHistory EMPTY = new AddressHistory(new Tenancy[0]);

  private final Tenancy[] tenancies;

  private AddressHistory(Tenancy[] tenancies) {
    this.tenancies = tenancies;
  }

  int size() {
    return tenancies.length;
  }

  List<Tenancy> tenancies() {
    return List.of(tenancies);
  }

  /**
   * The pod that held the address at {@code millis}: the latest to start at or before it, if it
   * had not ended by then. Before the first known start the first pod is the only candidate (a
   * flow a little older than the pod's start time, by clock skew), so it gets it; after every
   * interval ended nobody does.
   */
  PodEntry at(long millis) {
    Tenancy[] t = tenancies;
    for (int i = t.length - 1; i >= 0; i--) {
      if (t[i].start() <= millis) {
        return t[i].end() > millis ? t[i].pod() : null;
      }
    }
    return t.length == 0 ? null : t[0].pod();
  }

  /** With {@code pod} holding the address from {@code start} (to {@code end}); an entry of the same pod is replaced. */
  AddressHistory with(PodEntry pod, long start, long end) {
    List<Tenancy> list = new ArrayList<>(tenancies.length + 1);
    for (Tenancy t : tenancies) {
      if (!t.pod().record().uid().equals(pod.record().uid())) {
        list.add(t);
      }
    }
    list.add(new Tenancy(pod, start, Math.max(start, end)));
    list.sort(Comparator.comparingLong(Tenancy::start));
    return new AddressHistory(list.toArray(Tenancy[]::new));
  }

  /** With the pod {@code uid}'s interval ended at {@code end} (never before its start, never later than it already ended). */
  AddressHistory ended(String uid, long end) {
    Tenancy[] copy = Arrays.copyOf(tenancies, tenancies.length);
    for (int i = 0; i < copy.length; i++) {
      Tenancy t = copy[i];
      if (t.pod().record().uid().equals(uid)) {
        copy[i] = new Tenancy(t.pod(), t.start(), Math.max(t.start(), Math.min(t.end(), end)));
      }
    }
    return new AddressHistory(copy);
  }

  /**
   * Without intervals that ended before {@code endedBefore}, and at most {@code cap} intervals:
   * the oldest go first. Null when nothing is left.
   */
  AddressHistory evicted(long endedBefore, int cap) {
    List<Tenancy> kept = new ArrayList<>(tenancies.length);
    for (Tenancy t : tenancies) {
      if (t.end() >= endedBefore) {
        kept.add(t);
      }
    }
    while (kept.size() > cap) {
      kept.remove(0);
    }
    if (kept.isEmpty()) {
      return null;
    }
    return kept.size() == tenancies.length ? this : new AddressHistory(kept.toArray(Tenancy[]::new));
  }
}
