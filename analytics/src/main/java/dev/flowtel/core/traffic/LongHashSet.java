package dev.flowtel.core.traffic;

import java.util.Arrays;

/**
 * An open-addressing set of 64-bit ids: 8 bytes an entry instead of the ~50 of a HashSet<Long>,
 * which matters with one set of connection ids per edge and window held in engine state.
 */
final class LongHashSet {

  private static final long EMPTY = 0;
  private long[] slots;
  private int size;
  private boolean containsZero;

  LongHashSet() {
    this(8);
  }

  LongHashSet(int expected) {
    int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
    slots = new long[capacity];
  }

  /** True when the id was not there before. */
  boolean add(long value) {
    if (value == EMPTY) {
      if (containsZero) {
        return false;
      }
      containsZero = true;
      size++;
      return true;
    }
    if ((size + 1) * 4 > slots.length * 3) {
      grow();
    }
    int mask = slots.length - 1;
    int i = spread(value) & mask;
    while (true) {
      long slot = slots[i];
      if (slot == EMPTY) {
        slots[i] = value;
        size++;
        return true;
      }
      if (slot == value) {
        return false;
      }
      i = (i + 1) & mask;
    }
  }

  int size() {
    return size;
  }

  /** The ids, in no particular order. */
  long[] toArray() {
    long[] out = new long[size];
    int n = 0;
    if (containsZero) {
      out[n++] = EMPTY;
    }
    for (long slot : slots) {
      if (slot != EMPTY) {
        out[n++] = slot;
      }
    }
    return out;
  }

  private void grow() {
    long[] old = slots;
    slots = new long[old.length * 2];
    size = containsZero ? 1 : 0;
    for (long slot : old) {
      if (slot != EMPTY) {
        add(slot);
      }
    }
  }

  private static int spread(long value) {
    long h = value * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  @Override
  public String toString() {
    long[] values = toArray();
    Arrays.sort(values);
    return Arrays.toString(values);
  }
}
