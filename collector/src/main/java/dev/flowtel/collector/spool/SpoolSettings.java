package dev.flowtel.collector.spool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the spool lives and how large it may grow.
 *
 * @param directory the spool's own directory; segment files and the read cursor live here and
 *     survive a collector restart (default /var/lib/flowtel/spool in the DaemonSet)
 * @param maxBytes total size of all segment files; when an append would pass it, the OLDEST
 *     segment is deleted and its unsent records are counted as dropped (default 1 GiB)
 * @param segmentBytes a segment is closed (and fsynced) and a new one started when it would pass
 *     this size; dropping happens a whole segment at a time (default 64 MiB)
 * @param fsyncInterval appended records are forced to the device at most this long after they
 *     were written (0: after every append call). A crash of the process loses nothing written;
 *     a power loss can lose up to this much of the newest spooled records (default 1 s)
 */
public record SpoolSettings(Path directory, long maxBytes, long segmentBytes, Duration fsyncInterval) {

  public static final long DEFAULT_MAX_BYTES = 1L << 30;
  public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
  public static final Duration DEFAULT_FSYNC_INTERVAL = Duration.ofSeconds(1);
  /** The smallest segment allowed: a segment must hold at least a few records. */
  public static final long MIN_SEGMENT_BYTES = 4096;

  public SpoolSettings {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(fsyncInterval, "fsyncInterval");
    if (segmentBytes < MIN_SEGMENT_BYTES) {
      throw new IllegalArgumentException("spool segment size " + segmentBytes + " B is too small: give at least " + MIN_SEGMENT_BYTES + " B");
    }
    if (maxBytes < 2 * segmentBytes) {
      throw new IllegalArgumentException("spool max size " + maxBytes + " B must be at least two segments (2 x " + segmentBytes
          + " B): the oldest segment is dropped whole when the spool is full");
    }
    if (fsyncInterval.isNegative()) {
      throw new IllegalArgumentException("spool fsync interval " + fsyncInterval + " is negative: give 0 (every append) or more");
    }
  }

  public static SpoolSettings defaults(Path directory) {
    return new SpoolSettings(directory, DEFAULT_MAX_BYTES, DEFAULT_SEGMENT_BYTES, DEFAULT_FSYNC_INTERVAL);
  }

  public SpoolSettings withMaxBytes(long v) {
    return new SpoolSettings(directory, v, segmentBytes, fsyncInterval);
  }

  public SpoolSettings withSegmentBytes(long v) {
    return new SpoolSettings(directory, maxBytes, v, fsyncInterval);
  }

  public SpoolSettings withFsyncInterval(Duration v) {
    return new SpoolSettings(directory, maxBytes, segmentBytes, v);
  }
}
