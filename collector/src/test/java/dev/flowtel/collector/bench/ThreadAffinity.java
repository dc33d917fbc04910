package dev.flowtel.collector.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.FutureTask;

/**
 * Pins the calling thread to one CPU (sched_setaffinity), so per-CPU kernel state that one
 * measurement prepares is the state the next one meets.
 */
final class ThreadAffinity {

  private static final MethodHandle SCHED_SETAFFINITY = Linker.nativeLinker().downcallHandle(
      Linker.nativeLinker().defaultLookup().find("sched_setaffinity").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));

  private ThreadAffinity() {}

  /** Runs {@code task} on a new thread pinned to {@code cpu} and waits for it. */
  static void runOnCpu(int cpu, Runnable task) throws Exception {
    FutureTask<Void> pinned = new FutureTask<>(() -> {
      pinTo(cpu);
      task.run();
      return null;
    });
    Thread.ofPlatform().start(pinned);
    pinned.get();
  }

  /** Pins the calling thread to {@code cpu} (pid 0 is the calling thread to the kernel). */
  static void pinTo(int cpu) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment mask = arena.allocate(128); // cpu_set_t: 1024 bits
      mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
      int rc = (int) SCHED_SETAFFINITY.invokeExact(0, mask.byteSize(), mask);
      if (rc != 0) {
        throw new IllegalStateException("sched_setaffinity to CPU " + cpu + " failed");
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }
}
