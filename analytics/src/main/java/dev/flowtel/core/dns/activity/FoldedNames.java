package dev.flowtel.core.dns.activity;

import com.dynatrace.hash4j.distinctcount.UltraLogLog;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * The distinct names folded into a client's "(other)" row, by 64-bit name hash: exact up to
 * {@value #EXACT_LIMIT}, then an UltraLogLog estimate (precision 12: 4 KiB, about 1.2% standard
 * error), so a tunnel's millions of names cannot grow the state without bound. Not thread-safe.
 */
final class FoldedNames {

  static final int EXACT_LIMIT = 4096;
  private static final int PRECISION = 12;

  private Set<Long> exact = new HashSet<>();
  private UltraLogLog sketch;

  void add(long nameHash) {
    if (sketch != null) {
      sketch.add(nameHash);
      return;
    }
    exact.add(nameHash);
    if (exact.size() > EXACT_LIMIT) {
      sketch = UltraLogLog.create(PRECISION);
      exact.forEach(sketch::add);
      exact = null;
    }
  }

  void addAll(FoldedNames other) {
    if (other.sketch == null) {
      other.exact.forEach(this::add);
    } else if (sketch == null) {
      UltraLogLog merged = other.sketch.copy();
      exact.forEach(merged::add);
      sketch = merged;
      exact = null;
    } else {
      sketch.add(other.sketch);
    }
  }

  long count() {
    return sketch == null ? exact.size() : Math.round(sketch.getDistinctCountEstimate());
  }

  void writeTo(DataOutput out) throws IOException {
    out.writeBoolean(sketch != null);
    if (sketch != null) {
      byte[] state = sketch.getState();
      out.writeInt(state.length);
      out.write(state);
    } else {
      out.writeInt(exact.size());
      for (long hash : exact) {
        out.writeLong(hash);
      }
    }
  }

  static FoldedNames readFrom(DataInput in) throws IOException {
    FoldedNames folded = new FoldedNames();
    if (in.readBoolean()) {
      byte[] state = new byte[in.readInt()];
      in.readFully(state);
      folded.sketch = UltraLogLog.wrap(state);
      folded.exact = null;
    } else {
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        folded.exact.add(in.readLong());
      }
    }
    return folded;
  }
}
