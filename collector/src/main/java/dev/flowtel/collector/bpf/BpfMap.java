package dev.flowtel.collector.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A kernel map by its file descriptor. Keys and values are raw segments laid out as the C structs
 * in {@code flowtel.h}; per-CPU maps hold one value per possible CPU, each rounded up to 8 bytes.
 */
public final class BpfMap {

  /** BPF_ANY, BPF_NOEXIST, BPF_EXIST of bpf_map_update_elem. */
  public static final long ANY = 0;
  public static final long NOEXIST = 1;

  private final String name;
  private final int fd;
  private final int keySize;
  private final int valueSize;

  public BpfMap(String name, int fd, int keySize, int valueSize) {
    this.name = name;
    this.fd = fd;
    this.keySize = keySize;
    this.valueSize = valueSize;
  }

  public String name() {
    return name;
  }

  public int fd() {
    return fd;
  }

  public int keySize() {
    return keySize;
  }

  public int valueSize() {
    return valueSize;
  }

  /** Copies the value of {@code key} into {@code value}; false when there is none. */
  public boolean lookup(MemorySegment key, MemorySegment value) {
    int rc;
    try {
      rc = (int) Libbpf.MAP_LOOKUP.invokeExact(fd, key, value);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    if (rc == -Errno.ENOENT) {
      return false;
    }
    Libbpf.check(rc, "bpf_map_lookup_elem", "map " + name);
    return true;
  }

  public void update(MemorySegment key, MemorySegment value, long flags) {
    int rc;
    try {
      rc = (int) Libbpf.MAP_UPDATE.invokeExact(fd, key, value, flags);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    Libbpf.check(rc, "bpf_map_update_elem", "map " + name);
  }

  /** Deletes {@code key}; false when it was not there. */
  public boolean delete(MemorySegment key) {
    int rc;
    try {
      rc = (int) Libbpf.MAP_DELETE.invokeExact(fd, key);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    if (rc == -Errno.ENOENT) {
      return false;
    }
    Libbpf.check(rc, "bpf_map_delete_elem", "map " + name);
    return true;
  }

  public void updateInt(int key, int value) {
    try (Arena arena = Arena.ofConfined()) {
      update(arena.allocateFrom(ValueLayout.JAVA_INT, key), arena.allocateFrom(ValueLayout.JAVA_INT, value), ANY);
    }
  }

  public void deleteInt(int key) {
    try (Arena arena = Arena.ofConfined()) {
      delete(arena.allocateFrom(ValueLayout.JAVA_INT, key));
    }
  }

  /** Receives drained entries; the segments are only valid during the call. */
  @FunctionalInterface
  public interface EntryConsumer {
    void accept(MemorySegment key, MemorySegment value);
  }

  /**
   * Reads and deletes every entry with {@code bpf_map_lookup_and_delete_batch}, {@code batchSize}
   * entries per syscall. Only safe against lost increments when no program writes the map any
   * more (see FlowEvictor). Returns how many entries were drained.
   */
  public long drain(int batchSize, EntryConsumer consumer) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment keys = arena.allocate((long) keySize * batchSize, 8);
      MemorySegment values = arena.allocate((long) valueSize * batchSize, 8);
      MemorySegment inBatch = arena.allocate(Math.max(8, keySize), 8);
      MemorySegment outBatch = arena.allocate(Math.max(8, keySize), 8);
      MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
      long total = 0;
      boolean first = true;
      while (true) {
        count.set(ValueLayout.JAVA_INT, 0, batchSize);
        int rc;
        MemorySegment from = first ? MemorySegment.NULL : inBatch;
        try {
          rc = (int) Libbpf.MAP_LOOKUP_AND_DELETE_BATCH.invokeExact(fd, from, outBatch, keys, values,
              count, MemorySegment.NULL);
        } catch (Throwable t) {
          throw new IllegalStateException(t);
        }
        if (rc < 0 && rc != -Errno.ENOENT) {
          Libbpf.check(rc, "bpf_map_lookup_and_delete_batch", "map " + name);
        }
        int n = count.get(ValueLayout.JAVA_INT, 0);
        for (int i = 0; i < n; i++) {
          consumer.accept(keys.asSlice((long) i * keySize, keySize), values.asSlice((long) i * valueSize, valueSize));
        }
        total += n;
        if (rc == -Errno.ENOENT) {
          return total;
        }
        MemorySegment.copy(outBatch, 0, inBatch, 0, inBatch.byteSize());
        first = false;
      }
    }
  }

  /** Visits every entry without deleting (bpf_map_get_next_key + lookup); for small maps. */
  public void forEach(EntryConsumer consumer) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment key = arena.allocate(keySize, 8);
      MemorySegment next = arena.allocate(keySize, 8);
      MemorySegment value = arena.allocate(valueSize, 8);
      MemorySegment previous = MemorySegment.NULL;
      while (true) {
        int rc;
        try {
          rc = (int) Libbpf.MAP_GET_NEXT_KEY.invokeExact(fd, previous, next);
        } catch (Throwable t) {
          throw new IllegalStateException(t);
        }
        if (rc == -Errno.ENOENT) {
          return;
        }
        Libbpf.check(rc, "bpf_map_get_next_key", "map " + name);
        MemorySegment.copy(next, 0, key, 0, keySize);
        previous = key;
        if (lookup(key, value)) {
          consumer.accept(key, value);
        }
      }
    }
  }

  /** CPUs a per-CPU map holds a value for (the kernel's possible CPUs). */
  public static int possibleCpus() {
    return Libbpf.numPossibleCpus();
  }

  /** Sum over CPUs of a per-CPU array slot holding one u64. */
  public long sumPerCpu(int index) {
    int cpus = Libbpf.numPossibleCpus();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment values = arena.allocate(8L * cpus, 8);
      if (!lookup(arena.allocateFrom(ValueLayout.JAVA_INT, index), values)) {
        return 0;
      }
      long sum = 0;
      for (int cpu = 0; cpu < cpus; cpu++) {
        sum += values.get(ValueLayout.JAVA_LONG, 8L * cpu);
      }
      return sum;
    }
  }
}
