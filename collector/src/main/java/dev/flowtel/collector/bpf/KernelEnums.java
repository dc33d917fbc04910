package dev.flowtel.collector.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/** Names of a kernel enum's values, read from the running kernel's BTF (/sys/kernel/btf/vmlinux). */
public final class KernelEnums {

  private static final int BTF_KIND_ENUM = 6;

  private KernelEnums() {}

  /**
   * Value to name for {@code enumName}, each name without {@code prefix}; empty when the kernel has
   * no BTF or no such enum (callers then show the number).
   */
  public static Map<Integer, String> names(String enumName, String prefix) {
    Map<Integer, String> names = new HashMap<>();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errno = arena.allocate(Libbpf.CAPTURE_LAYOUT);
      MemorySegment btf = (MemorySegment) Libbpf.BTF_LOAD_VMLINUX.invokeExact(errno);
      if (btf.equals(MemorySegment.NULL)) {
        return names;
      }
      try {
        int id = (int) Libbpf.BTF_FIND_BY_NAME_KIND.invokeExact(btf, arena.allocateFrom(enumName), BTF_KIND_ENUM);
        if (id <= 0) {
          return names;
        }
        MemorySegment type = ((MemorySegment) Libbpf.BTF_TYPE_BY_ID.invokeExact(btf, id)).reinterpret(12);
        int info = type.get(ValueLayout.JAVA_INT, 4);
        int count = info & 0xFFFF;
        MemorySegment values = type.reinterpret(12 + 8L * count);
        for (int i = 0; i < count; i++) {
          int nameOffset = values.get(ValueLayout.JAVA_INT, 12 + 8L * i);
          int value = values.get(ValueLayout.JAVA_INT, 16 + 8L * i);
          String name = Libbpf.string((MemorySegment) Libbpf.BTF_NAME_BY_OFFSET.invokeExact(btf, nameOffset));
          if (name != null) {
            names.put(value, name.startsWith(prefix) ? name.substring(prefix.length()) : name);
          }
        }
      } finally {
        Libbpf.BTF_FREE.invokeExact(btf);
      }
    } catch (Throwable t) {
      return names;
    }
    return names;
  }
}
