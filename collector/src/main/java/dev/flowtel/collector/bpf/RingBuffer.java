package dev.flowtel.collector.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Reads a BPF_MAP_TYPE_RINGBUF with libbpf's ring_buffer. {@link #poll} blocks in native code, so
 * call it from a platform thread. Every record reaches {@code consumer} through an upcall; an
 * exception there would kill the JVM, so it is caught, counted and dropped.
 */
public final class RingBuffer implements AutoCloseable {

  private static final MethodHandle ON_SAMPLE;

  static {
    try {
      ON_SAMPLE = MethodHandles.lookup().findVirtual(RingBuffer.class, "onSample",
          MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, long.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String name;
  private final Consumer<MemorySegment> consumer;
  private final Arena arena = Arena.ofShared();
  private final AtomicLong consumerFailures = new AtomicLong();
  private MemorySegment ring;

  public RingBuffer(BpfMap map, Consumer<MemorySegment> consumer) {
    this.name = map.name();
    this.consumer = consumer;
    MemorySegment callback = Libbpf.LINKER.upcallStub(ON_SAMPLE.bindTo(this),
        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), arena);
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = call.allocate(Libbpf.CAPTURE_LAYOUT);
      ring = (MemorySegment) Libbpf.RING_BUFFER_NEW.invokeExact(errno, map.fd(), callback, MemorySegment.NULL, MemorySegment.NULL);
      if (ring.equals(MemorySegment.NULL)) {
        arena.close();
        throw new BpfException("ring_buffer__new", "map " + name, Libbpf.errno(errno));
      }
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  @SuppressWarnings("unused") // called from native code
  private int onSample(MemorySegment ctx, MemorySegment data, long size) {
    try {
      consumer.accept(data.reinterpret(size));
    } catch (Throwable t) {
      consumerFailures.incrementAndGet();
    }
    return 0;
  }

  /** Waits up to {@code timeoutMillis} for records and consumes them; returns how many. */
  public int poll(int timeoutMillis) {
    try {
      int rc = (int) Libbpf.RING_BUFFER_POLL.invokeExact(ring, timeoutMillis);
      if (rc == -4) { // EINTR
        return 0;
      }
      return Libbpf.check(rc, "ring_buffer__poll", "map " + name);
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Consumes what is there without waiting; returns how many. */
  public int consume() {
    try {
      return Libbpf.check((int) Libbpf.RING_BUFFER_CONSUME.invokeExact(ring), "ring_buffer__consume", "map " + name);
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Records whose consumer threw (and were therefore dropped). */
  public long consumerFailures() {
    return consumerFailures.get();
  }

  /** Frees the ring; the thread that polls must have stopped polling. */
  @Override
  public synchronized void close() {
    if (ring != null) {
      try {
        Libbpf.RING_BUFFER_FREE.invokeExact(ring);
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
      ring = null;
      arena.close();
    }
  }
}
