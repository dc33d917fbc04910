package dev.flowtel.simulator.source;

import java.util.concurrent.TimeUnit;

/**
 * The clock a paced simulation waits on: the JVM's monotonic clock in use, a clock that moves only
 * when waited on in tests, so pacing is checked without sleeping.
 */
interface PacingClock {

  /** The JVM's monotonic clock; waiting sleeps. */
  PacingClock SYSTEM = new PacingClock() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void sleepNanos(long nanos) throws InterruptedException {
      TimeUnit.NANOSECONDS.sleep(nanos);
    }
  };

  /** Nanoseconds from an arbitrary origin, as {@link System#nanoTime()}. */
  long nanoTime();

  /** Waits {@code nanos} (positive). */
  void sleepNanos(long nanos) throws InterruptedException;
}
