package dev.flowtel.collector.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * One eBPF ELF object opened by libbpf: configure it (read-only globals, map sizes, which programs
 * load), load it into the kernel, then hand out program and map file descriptors. Closing it
 * unloads everything it loaded (links and tc filters made from its programs keep them alive).
 */
public final class BpfObject implements AutoCloseable {

  private final String name;
  private final Arena arena;
  private MemorySegment object;
  private boolean loaded;

  private BpfObject(String name, MemorySegment object, Arena arena) {
    this.name = name;
    this.object = object;
    this.arena = arena;
  }

  /** Opens an object from its ELF bytes (a classpath resource), named {@code name} in messages. */
  public static BpfObject open(byte[] elf, String name) {
    LibbpfLog.install();
    Arena arena = Arena.ofShared(); // libbpf points into the buffer until bpf_object__close
    MemorySegment buffer = arena.allocate(elf.length, 8);
    buffer.copyFrom(MemorySegment.ofArray(elf));
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = call.allocate(Libbpf.CAPTURE_LAYOUT);
      MemorySegment obj = (MemorySegment) Libbpf.OBJECT_OPEN_MEM.invokeExact(errno, buffer, (long) elf.length, MemorySegment.NULL);
      if (obj.equals(MemorySegment.NULL)) {
        arena.close();
        throw new BpfException("bpf_object__open_mem", name, Libbpf.errno(errno));
      }
      return new BpfObject(name, obj, arena);
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public String name() {
    return name;
  }

  /** Replaces the object's {@code .rodata} (its {@code const volatile} globals); before load. */
  public void setReadOnlyData(byte[] data) {
    MemorySegment map = rodataMap();
    MemorySegment value = arena.allocate(data.length, 8);
    value.copyFrom(MemorySegment.ofArray(data));
    try {
      Libbpf.check((int) Libbpf.MAP_SET_INITIAL_VALUE.invokeExact(map, value, (long) data.length), "bpf_map__set_initial_value", name + " .rodata");
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Sets a map's capacity before load; for a map-in-map, also its inner map template. */
  public void setMaxEntries(String mapName, int entries) {
    MemorySegment map = mapPointer(mapName);
    try {
      Libbpf.check((int) Libbpf.MAP_SET_MAX_ENTRIES.invokeExact(map, entries), "bpf_map__set_max_entries", "map " + mapName);
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Whether {@code program} is loaded at all (a feature switched off is not even verified). */
  public void setAutoload(String program, boolean autoload) {
    try {
      Libbpf.check((int) Libbpf.PROGRAM_SET_AUTOLOAD.invokeExact(programPointer(program), autoload), "bpf_program__set_autoload", program);
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public void load() {
    try {
      int rc = (int) Libbpf.OBJECT_LOAD.invokeExact(object);
      if (rc < 0) {
        throw new BpfException("bpf_object__load", name + " (the verifier log, if any, is on stderr)", -rc);
      }
      loaded = true;
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public int programFd(String program) {
    requireLoaded();
    try {
      return Libbpf.check((int) Libbpf.PROGRAM_FD.invokeExact(programPointer(program)), "bpf_program__fd", program);
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public BpfMap map(String mapName, int keySize, int valueSize) {
    requireLoaded();
    try {
      int fd = Libbpf.check((int) Libbpf.MAP_FD.invokeExact(mapPointer(mapName)), "bpf_map__fd", "map " + mapName);
      return new BpfMap(mapName, fd, keySize, valueSize);
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Names of the object's maps (libbpf's internal ones included, e.g. {@code xxx.rodata}). */
  public List<String> mapNames() {
    List<String> names = new ArrayList<>();
    try {
      MemorySegment map = MemorySegment.NULL;
      while (true) {
        map = (MemorySegment) Libbpf.NEXT_MAP.invokeExact(object, map);
        if (map.equals(MemorySegment.NULL)) {
          return names;
        }
        names.add(Libbpf.string((MemorySegment) Libbpf.MAP_NAME.invokeExact(map)));
      }
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private MemorySegment rodataMap() {
    try {
      MemorySegment map = MemorySegment.NULL;
      while (true) {
        map = (MemorySegment) Libbpf.NEXT_MAP.invokeExact(object, map);
        if (map.equals(MemorySegment.NULL)) {
          throw new BpfException(name + " has no .rodata section: it declares no const volatile globals");
        }
        String mapName = Libbpf.string((MemorySegment) Libbpf.MAP_NAME.invokeExact(map));
        if (mapName != null && mapName.endsWith(".rodata")) {
          return map;
        }
      }
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private MemorySegment mapPointer(String mapName) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment map = (MemorySegment) Libbpf.FIND_MAP.invokeExact(object, call.allocateFrom(mapName));
      if (map.equals(MemorySegment.NULL)) {
        throw new BpfException(name + " has no map named " + mapName + "; maps: " + mapNames());
      }
      return map;
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private MemorySegment programPointer(String program) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment prog = (MemorySegment) Libbpf.FIND_PROGRAM.invokeExact(object, call.allocateFrom(program));
      if (prog.equals(MemorySegment.NULL)) {
        throw new BpfException(name + " has no program named " + program);
      }
      return prog;
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private void requireLoaded() {
    if (!loaded) {
      throw new IllegalStateException(name + " is not loaded yet: call load() first");
    }
  }

  @Override
  public synchronized void close() {
    if (object != null) {
      try {
        Libbpf.OBJECT_CLOSE.invokeExact(object);
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
      object = null;
      arena.close();
    }
  }
}
