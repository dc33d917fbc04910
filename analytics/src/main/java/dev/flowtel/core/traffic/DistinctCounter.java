package dev.flowtel.core.traffic;

import com.dynatrace.hash4j.distinctcount.UltraLogLog;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A distinct count of 64-bit ids that stays small: exact up to its limit, then an UltraLogLog
 * estimate (precision {@value TrafficAccumulator#ULL_PRECISION}: 4 KiB, about 1.2% standard
 * error), so a sweep of millions of addresses cannot grow a window's state without bound.
 * Callers pass well-mixed ids (hashes). Not thread-safe.
 */
final class DistinctCounter {

  private final int exactLimit;
  private LongHashSet exact = new LongHashSet(4);
  private UltraLogLog sketch;

  DistinctCounter(int exactLimit) {
    this.exactLimit = exactLimit;
  }

  void add(long id) {
    if (exact != null) {
      exact.add(id);
      if (exact.size() > exactLimit) {
        sketch = UltraLogLog.create(TrafficAccumulator.ULL_PRECISION);
        for (long each : exact.toArray()) {
          sketch.add(each);
        }
        exact = null;
      }
    } else {
      sketch.add(id);
    }
  }

  void addAll(DistinctCounter other) {
    if (other.exact != null) {
      for (long id : other.exact.toArray()) {
        add(id);
      }
      return;
    }
    if (exact != null) {
      UltraLogLog merged = other.sketch.copy();
      for (long id : exact.toArray()) {
        merged.add(id);
      }
      sketch = merged;
      exact = null;
    } else {
      sketch.add(other.sketch);
    }
  }

  long count() {
    return exact != null ? exact.size() : Math.round(sketch.getDistinctCountEstimate());
  }

  /** The ids when exact, else the sketch's state; see {@link #readFrom}. */
  void writeTo(DataOutput out) throws IOException {
    out.writeBoolean(sketch != null);
    if (sketch != null) {
      byte[] state = sketch.getState();
      out.writeInt(state.length);
      out.write(state);
      return;
    }
    long[] ids = exact.toArray();
    out.writeInt(ids.length);
    for (long id : ids) {
      out.writeLong(id);
    }
  }

  static DistinctCounter readFrom(DataInput in, int exactLimit) throws IOException {
    DistinctCounter counter = new DistinctCounter(exactLimit);
    if (in.readBoolean()) {
      byte[] state = new byte[in.readInt()];
      in.readFully(state);
      counter.sketch = UltraLogLog.wrap(state);
      counter.exact = null;
      return counter;
    }
    int n = in.readInt();
    counter.exact = new LongHashSet(Math.max(n, 4));
    for (int i = 0; i < n; i++) {
      counter.exact.add(in.readLong());
    }
    return counter;
  }
}
