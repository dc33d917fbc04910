package dev.flowtel.collector.spool;

import static dev.flowtel.collector.spool.SpoolFrame.FRAME_HEADER_BYTES;
import static dev.flowtel.collector.spool.SpoolFrame.MAX_BODY_BYTES;
import static dev.flowtel.collector.spool.SpoolFrame.MIN_BODY_BYTES;
import static dev.flowtel.collector.spool.SpoolFrame.SEGMENT_HEADER_BYTES;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded, ordered, on-disk queue of Kafka records that survives a restart of the collector.
 *
 * <p>Records are appended to the newest segment file ({@code segment-<id>.spool}, layout in
 * {@link SpoolFrame}) and read back in the same order from a cursor. A reader first
 * {@link #peek peeks} a batch, sends it, and {@link #advance advances} past the records the
 * broker acknowledged; the cursor is saved in the file {@code cursor} (replaced atomically), so a
 * restart resumes where delivery stopped. Fully read segments are deleted.
 *
 * <p>When an append would make the segment files larger than {@link SpoolSettings#maxBytes()},
 * the OLDEST segment is deleted whole and its unsent records are counted in
 * {@link #droppedSegments()} and {@link #droppedRecords()}: under a long outage the collector
 * keeps the newest traffic, which is what an operator looks at when the broker comes back.
 *
 * <p>Durability: appends are written to the file before {@link #appendAll} returns, so a crash of
 * the process loses nothing; they are forced to the device on segment roll, on {@link #close},
 * and at most {@link SpoolSettings#fsyncInterval()} after they were written. A torn frame at the
 * end of a segment (power loss mid-write) is found by its length or CRC32C when the spool is
 * opened and cut off with a log line.
 *
 * <p>Not thread-safe: one thread (the publisher's) owns it. The counters are safe to read from
 * any thread (metrics).
 */
public final class DiskSpool implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DiskSpool.class);
  static final String PREFIX = "segment-";
  static final String SUFFIX = ".spool";
  static final String CURSOR_FILE = "cursor";
  /** Room below the first id for segments put in front of the queue by {@link #prepend}. */
  static final long FIRST_SEGMENT_ID = 1_000_000_000L;
  private static final int READ_CHUNK = 1 << 20;

  private static final class Segment {
    final long id;
    final Path path;
    long bytes;
    long records;
    /** Where reading this segment starts when it becomes the head (past records read before a prepend). */
    long startPosition = SEGMENT_HEADER_BYTES;
    long startRecords;

    Segment(long id, Path path) {
      this.id = id;
      this.path = path;
    }
  }

  private final SpoolSettings settings;
  private final ArrayDeque<Segment> segments = new ArrayDeque<>();
  private Segment writeSegment;
  private FileChannel writeChannel;
  private long nextId;

  private long readPosition;
  private long readRecords;
  private FileChannel readChannel;
  private Segment readChannelSegment;

  private long[] peekSegmentIds = new long[0];
  private long[] peekEnds = new long[0];
  private int peekCount;

  private boolean dirty;
  private long lastSyncNanos = System.nanoTime();

  private volatile long totalBytes;
  private volatile long pendingRecords;
  private volatile long droppedSegments;
  private volatile long droppedRecords;
  private volatile long truncatedTails;

  private DiskSpool(SpoolSettings settings) {
    this.settings = settings;
  }

  /** Opens (or creates) the spool in {@code settings.directory()}, recovering what an earlier run left. */
  public static DiskSpool open(SpoolSettings settings) {
    DiskSpool spool = new DiskSpool(settings);
    try {
      spool.recover();
    } catch (IOException e) {
      throw new UncheckedIOException("spool " + settings.directory() + ": cannot open: " + e.getMessage()
          + " (check that the directory is writable by the collector)", e);
    }
    return spool;
  }

  public SpoolSettings settings() {
    return settings;
  }

  /** True when every record appended has been advanced past (or dropped). */
  public boolean isEmpty() {
    return pendingRecords == 0;
  }

  /** Records waiting to be sent. */
  public long pendingRecords() {
    return pendingRecords;
  }

  /** Bytes of all segment files on disk. */
  public long sizeBytes() {
    return totalBytes;
  }

  /** Segments deleted unsent because the spool was full. */
  public long droppedSegments() {
    return droppedSegments;
  }

  /** Records in those segments that had not been sent. */
  public long droppedRecords() {
    return droppedRecords;
  }

  /** Segments whose torn or corrupt tail was cut off. */
  public long truncatedTails() {
    return truncatedTails;
  }

  public void append(SpoolRecord record) {
    appendAll(List.of(record));
  }

  /** Appends in order; on return the records are in the file (forced per the fsync interval). */
  public void appendAll(List<SpoolRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    try {
      ByteArrayOutputStream pendingWrite = new ByteArrayOutputStream(64 * 1024);
      for (SpoolRecord record : records) {
        byte[] frame = SpoolFrame.encode(record);
        if (writeSegment == null) {
          openWriteSegment();
        } else if (writeSegment.records > 0 && writeSegment.bytes + frame.length > settings.segmentBytes()) {
          writeOut(pendingWrite);
          rollWriteSegment();
        }
        dropOldestWhileFull(frame.length);
        pendingWrite.write(frame);
        writeSegment.bytes += frame.length;
        writeSegment.records++;
        totalBytes += frame.length;
        pendingRecords++;
      }
      writeOut(pendingWrite);
      dirty = true;
      maybeSync();
    } catch (IOException e) {
      throw new UncheckedIOException("spool " + settings.directory() + ": cannot write: " + e.getMessage()
          + " (is the disk full or read-only?)", e);
    }
  }

  /**
   * Puts {@code records} in front of everything in the spool, in their order: for records the
   * producer had accepted earlier than anything spooled and then failed to deliver.
   */
  public void prepend(List<SpoolRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    if (segments.isEmpty()) {
      appendAll(records);
      return;
    }
    Segment head = segments.peekFirst();
    Segment front = new Segment(head.id - 1, segmentPath(head.id - 1));
    try (FileChannel channel = FileChannel.open(front.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(SpoolFrame.segmentHeader());
      for (SpoolRecord record : records) {
        out.write(SpoolFrame.encode(record));
      }
      writeFully(channel, ByteBuffer.wrap(out.toByteArray()));
      channel.force(true);
      front.bytes = out.size();
      front.records = records.size();
    } catch (IOException e) {
      throw new UncheckedIOException("spool " + settings.directory() + ": cannot write " + front.path + ": " + e.getMessage(), e);
    }
    head.startPosition = readPosition;
    head.startRecords = readRecords;
    segments.addFirst(front);
    readPosition = SEGMENT_HEADER_BYTES;
    readRecords = 0;
    totalBytes += front.bytes;
    pendingRecords += records.size();
    peekCount = 0;
    saveCursor();
  }

  /**
   * Up to {@code maxRecords} records (and about {@code maxBytes}) from the cursor on, without
   * moving it. A later {@link #advance} counts from the start of the latest peek.
   */
  public List<SpoolRecord> peek(int maxRecords, long maxBytes) {
    List<SpoolRecord> out = new ArrayList<>();
    if (peekSegmentIds.length < maxRecords) {
      peekSegmentIds = new long[maxRecords];
      peekEnds = new long[maxRecords];
    }
    peekCount = 0;
    long bytes = 0;
    Segment head = segments.peekFirst();
    for (Iterator<Segment> it = segments.iterator(); it.hasNext() && out.size() < maxRecords && bytes < maxBytes; ) {
      Segment segment = it.next();
      long position = segment == head ? readPosition : segment.startPosition;
      while (position < segment.bytes && out.size() < maxRecords && bytes < maxBytes) {
        int want = (int) Math.min(segment.bytes - position, READ_CHUNK);
        ByteBuffer chunk = read(segment, position, want);
        if (chunk.remaining() >= FRAME_HEADER_BYTES) {
          int first = chunk.getInt(0);
          if (first >= MIN_BODY_BYTES && first <= MAX_BODY_BYTES && FRAME_HEADER_BYTES + first > want
              && position + FRAME_HEADER_BYTES + first <= segment.bytes) {
            chunk = read(segment, position, FRAME_HEADER_BYTES + first); // one frame larger than a chunk
          }
        }
        int consumed = 0;
        while (chunk.limit() - consumed >= FRAME_HEADER_BYTES && out.size() < maxRecords && bytes < maxBytes) {
          int length = chunk.getInt(consumed);
          int crc = chunk.getInt(consumed + 4);
          if (length < MIN_BODY_BYTES || length > MAX_BODY_BYTES || position + consumed + FRAME_HEADER_BYTES + length > segment.bytes) {
            lostAtRead(segment, position + consumed, "impossible frame length " + length);
            return out;
          }
          if (consumed + FRAME_HEADER_BYTES + length > chunk.limit()) {
            break;
          }
          String bad = SpoolFrame.checkBody(chunk.array(), consumed + FRAME_HEADER_BYTES, length, crc);
          if (bad != null) {
            lostAtRead(segment, position + consumed, bad);
            return out;
          }
          out.add(SpoolFrame.decodeBody(chunk.slice(consumed + FRAME_HEADER_BYTES, length)));
          consumed += FRAME_HEADER_BYTES + length;
          peekSegmentIds[peekCount] = segment.id;
          peekEnds[peekCount] = position + consumed;
          peekCount++;
          bytes += FRAME_HEADER_BYTES + length;
        }
        if (consumed == 0) {
          if (out.size() >= maxRecords || bytes >= maxBytes) {
            break;
          }
          lostAtRead(segment, position, "frame header torn");
          return out;
        }
        position += consumed;
      }
    }
    return out;
  }

  /** Moves the cursor past the first {@code count} records of the latest {@link #peek}; deletes segments read to their end. */
  public void advance(int count) {
    if (count > peekCount) {
      throw new IllegalArgumentException("cannot advance " + count + " records: the latest peek returned " + peekCount);
    }
    for (int i = 0; i < count; i++) {
      Segment head = segments.peekFirst();
      if (head == null || peekSegmentIds[i] < head.id) {
        continue; // its segment was dropped (spool full) since the peek; already counted there
      }
      while (head.id < peekSegmentIds[i]) {
        removeHead(head, "read");
        head = segments.peekFirst();
      }
      readPosition = peekEnds[i];
      readRecords++;
      pendingRecords--;
    }
    // Later peeked positions stay valid relative to the new cursor.
    System.arraycopy(peekSegmentIds, count, peekSegmentIds, 0, peekCount - count);
    System.arraycopy(peekEnds, count, peekEnds, 0, peekCount - count);
    peekCount -= count;
    Segment head = segments.peekFirst();
    while (head != null && readPosition >= head.bytes && head != writeSegment) {
      removeHead(head, "read");
      head = segments.peekFirst();
    }
    if (head != null && head == writeSegment && readPosition >= head.bytes) {
      // Everything is sent: start over with an empty directory rather than keep a read segment.
      closeQuietly(writeChannel);
      writeChannel = null;
      writeSegment = null;
      removeHead(head, "read");
    }
    saveCursor();
  }

  /** Forces appended records to the device when the fsync interval has passed since the last force. */
  public void maybeSync() {
    if (!dirty || writeChannel == null) {
      return;
    }
    long now = System.nanoTime();
    if (settings.fsyncInterval().isZero() || now - lastSyncNanos >= settings.fsyncInterval().toNanos()) {
      sync();
    }
  }

  /** Forces appended records to the device now. */
  public void sync() {
    if (writeChannel != null && dirty) {
      try {
        writeChannel.force(false);
      } catch (IOException e) {
        throw new UncheckedIOException("spool " + settings.directory() + ": cannot fsync: " + e.getMessage(), e);
      }
    }
    dirty = false;
    lastSyncNanos = System.nanoTime();
  }

  @Override
  public void close() {
    try {
      sync();
    } finally {
      closeQuietly(writeChannel);
      closeQuietly(readChannel);
      writeChannel = null;
      readChannel = null;
      readChannelSegment = null;
      if (!segments.isEmpty()) {
        saveCursor();
      }
    }
  }

  // ---- writing

  private void openWriteSegment() throws IOException {
    long id = nextId++;
    Segment segment = new Segment(id, segmentPath(id));
    writeChannel = FileChannel.open(segment.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    writeFully(writeChannel, ByteBuffer.wrap(SpoolFrame.segmentHeader()));
    segment.bytes = SEGMENT_HEADER_BYTES;
    totalBytes += SEGMENT_HEADER_BYTES;
    if (segments.isEmpty()) {
      readPosition = SEGMENT_HEADER_BYTES;
      readRecords = 0;
    }
    segments.addLast(segment);
    writeSegment = segment;
  }

  private void rollWriteSegment() throws IOException {
    writeChannel.force(false);
    writeChannel.close();
    dirty = false;
    openWriteSegment();
  }

  private void writeOut(ByteArrayOutputStream pendingWrite) throws IOException {
    if (pendingWrite.size() > 0) {
      writeFully(writeChannel, ByteBuffer.wrap(pendingWrite.toByteArray()));
      pendingWrite.reset();
    }
  }

  private void dropOldestWhileFull(int incoming) {
    while (totalBytes + incoming > settings.maxBytes() && segments.size() > 1) {
      Segment oldest = segments.peekFirst();
      long unsent = oldest.records - readRecords;
      droppedSegments++;
      droppedRecords += unsent;
      LOG.warn("spool {} is full ({} of {} bytes): dropped its oldest segment {} with {} unsent records ({} segments, {} records dropped so far)",
          settings.directory(), totalBytes, settings.maxBytes(), oldest.path.getFileName(), unsent, droppedSegments, droppedRecords);
      removeHead(oldest, "dropped");
    }
  }

  // ---- reading

  private ByteBuffer read(Segment segment, long position, int length) {
    try {
      if (readChannelSegment != segment) {
        closeQuietly(readChannel);
        readChannel = FileChannel.open(segment.path, StandardOpenOption.READ);
        readChannelSegment = segment;
      }
      ByteBuffer buffer = ByteBuffer.allocate(length);
      while (buffer.hasRemaining()) {
        if (readChannel.read(buffer, position + buffer.position()) < 0) {
          throw new EOFException("segment ends at " + (position + buffer.position()) + ", expected " + (position + length));
        }
      }
      return buffer.flip();
    } catch (IOException e) {
      throw new UncheckedIOException("spool " + segment.path + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** A frame that was good when written and is bad now (disk damage): the rest of the segment is lost. */
  private void lostAtRead(Segment segment, long position, String reason) {
    long before = countFramesBefore(segment, position);
    long lost = segment.records - before;
    LOG.error("spool segment {}: {} at byte {} while replaying; the {} records from there on are lost (disk damage?)",
        segment.path, reason, position, lost);
    segment.records = before;
    totalBytes -= segment.bytes - position;
    segment.bytes = position;
    droppedRecords += lost;
    pendingRecords -= lost;
    if (segment == writeSegment) {
      closeQuietly(writeChannel); // appends must not land behind damaged bytes
      writeChannel = null;
      writeSegment = null;
    }
  }

  private long countFramesBefore(Segment segment, long position) {
    long count = 0;
    long at = SEGMENT_HEADER_BYTES;
    while (at < position) {
      at += FRAME_HEADER_BYTES + read(segment, at, 4).getInt();
      count++;
    }
    return count;
  }

  private void removeHead(Segment head, String why) {
    segments.pollFirst();
    if (head == readChannelSegment) {
      closeQuietly(readChannel);
      readChannel = null;
      readChannelSegment = null;
    }
    pendingRecords -= Math.max(0, head.records - readRecords);
    totalBytes -= head.bytes;
    try {
      Files.deleteIfExists(head.path);
    } catch (IOException e) {
      LOG.warn("spool: cannot delete {}: {}", head.path, e.getMessage());
    }
    Segment next = segments.peekFirst();
    if (next != null) {
      readPosition = next.startPosition;
      readRecords = next.startRecords;
    } else {
      readPosition = SEGMENT_HEADER_BYTES;
      readRecords = 0;
    }
  }

  private void saveCursor() {
    Path cursor = settings.directory().resolve(CURSOR_FILE);
    try {
      Segment head = segments.peekFirst();
      if (head == null) {
        Files.deleteIfExists(cursor);
        return;
      }
      Path tmp = settings.directory().resolve(CURSOR_FILE + ".tmp");
      Files.writeString(tmp, head.id + " " + readPosition + "\n", StandardCharsets.US_ASCII);
      Files.move(tmp, cursor, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("spool " + settings.directory() + ": cannot save the read cursor: " + e.getMessage(), e);
    }
  }

  // ---- recovery

  private record Scan(long validEnd, long records, String problem, long recordsBeforeCursor, boolean cursorOnBoundary) {}

  private void recover() throws IOException {
    Path dir = settings.directory();
    Files.createDirectories(dir);
    long cursorSegment = Long.MIN_VALUE;
    long cursorPosition = SEGMENT_HEADER_BYTES;
    Path cursorFile = dir.resolve(CURSOR_FILE);
    if (Files.exists(cursorFile)) {
      String[] parts = Files.readString(cursorFile, StandardCharsets.US_ASCII).trim().split(" ");
      try {
        cursorSegment = Long.parseLong(parts[0]);
        cursorPosition = Long.parseLong(parts[1]);
      } catch (RuntimeException e) {
        LOG.warn("spool {}: cursor file {} is unreadable ({}); replaying from the oldest segment", dir, cursorFile,
            String.join(" ", parts));
      }
    }
    List<Long> ids = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(PREFIX) && n.endsWith(SUFFIX))
          .forEach(n -> {
            try {
              ids.add(Long.parseLong(n.substring(PREFIX.length(), n.length() - SUFFIX.length())));
            } catch (NumberFormatException e) {
              LOG.warn("spool {}: ignoring {}, not a segment name this collector writes", dir, n);
            }
          });
    }
    ids.sort(null);
    long lastId = FIRST_SEGMENT_ID - 1;
    for (long id : ids) {
      lastId = Math.max(lastId, id);
      Path path = segmentPath(id);
      // A segment below the cursor's is never a sent one (sent segments are deleted before the
      // cursor moves past them): it was put in front by prepend() just before a crash, so it is
      // read first, from its start.
      Scan scan = scan(path, id == cursorSegment ? cursorPosition : -1);
      if (scan.validEnd() < SEGMENT_HEADER_BYTES) {
        Path aside = dir.resolve(path.getFileName() + ".unreadable");
        Files.move(path, aside, StandardCopyOption.REPLACE_EXISTING);
        LOG.error("spool segment {}: {}; moved aside to {}", path, scan.problem(), aside.getFileName());
        continue;
      }
      long size = Files.size(path);
      if (scan.problem() != null) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
          channel.truncate(scan.validEnd());
          channel.force(true);
        }
        truncatedTails++;
        LOG.warn("spool segment {}: {} at byte {}; cut off the last {} bytes (a write torn by a crash or power loss), kept {} records",
            path, scan.problem(), scan.validEnd(), size - scan.validEnd(), scan.records());
      }
      Segment segment = new Segment(id, path);
      segment.bytes = scan.validEnd();
      segment.records = scan.records();
      if (id == cursorSegment) {
        if (scan.cursorOnBoundary()) {
          segment.startPosition = Math.min(cursorPosition, scan.validEnd());
          segment.startRecords = scan.recordsBeforeCursor();
        } else {
          LOG.warn("spool segment {}: saved cursor {} is not at a record boundary; replaying the segment from its start", path, cursorPosition);
        }
      }
      segments.addLast(segment);
      totalBytes += segment.bytes;
      pendingRecords += segment.records - segment.startRecords;
    }
    nextId = lastId + 1;
    Segment head = segments.peekFirst();
    if (head != null) {
      readPosition = head.startPosition;
      readRecords = head.startRecords;
    }
    if (pendingRecords == 0) {
      for (Segment s : segments) {
        Files.deleteIfExists(s.path);
      }
      segments.clear();
      totalBytes = 0;
      Files.deleteIfExists(cursorFile);
      return;
    }
    Segment last = segments.peekLast();
    if (last.bytes < settings.segmentBytes()) {
      writeChannel = FileChannel.open(last.path, StandardOpenOption.WRITE);
      writeChannel.position(last.bytes);
      writeSegment = last;
    }
    LOG.info("spool {}: {} records ({} bytes in {} segments) left by an earlier run will be sent first",
        dir, pendingRecords, totalBytes, segments.size());
  }

  private Scan scan(Path path, long cursorPosition) throws IOException {
    long size = Files.size(path);
    try (InputStream file = Files.newInputStream(path);
         DataInputStream in = new DataInputStream(new BufferedInputStream(file, 1 << 16))) {
      if (size < SEGMENT_HEADER_BYTES) {
        return new Scan(0, 0, "shorter than the segment header (" + size + " bytes)", 0, false);
      }
      int magic = in.readInt();
      int version = in.readInt();
      if (magic != SpoolFrame.MAGIC || version != SpoolFrame.VERSION) {
        return new Scan(0, 0, String.format("not a version %d spool segment (header %08x %08x)", SpoolFrame.VERSION, magic, version), 0, false);
      }
      long position = SEGMENT_HEADER_BYTES;
      long records = 0;
      long beforeCursor = 0;
      boolean onBoundary = cursorPosition == SEGMENT_HEADER_BYTES;
      byte[] body = new byte[4096];
      while (position < size) {
        if (position == cursorPosition) {
          onBoundary = true;
          beforeCursor = records;
        }
        long left = size - position;
        if (left < FRAME_HEADER_BYTES) {
          return new Scan(position, records, "frame header torn (" + left + " of " + FRAME_HEADER_BYTES + " bytes)", beforeCursor, onBoundary);
        }
        int length = in.readInt();
        int crc = in.readInt();
        if (length < MIN_BODY_BYTES || length > MAX_BODY_BYTES) {
          return new Scan(position, records, "impossible frame length " + length, beforeCursor, onBoundary);
        }
        if (left - FRAME_HEADER_BYTES < length) {
          return new Scan(position, records, "frame body torn (" + (left - FRAME_HEADER_BYTES) + " of " + length + " bytes)", beforeCursor, onBoundary);
        }
        if (body.length < length) {
          body = new byte[Math.max(length, body.length * 2)];
        }
        in.readFully(body, 0, length);
        String bad = SpoolFrame.checkBody(body, 0, length, crc);
        if (bad != null) {
          return new Scan(position, records, bad, beforeCursor, onBoundary);
        }
        position += FRAME_HEADER_BYTES + length;
        records++;
      }
      if (position == cursorPosition) {
        onBoundary = true;
        beforeCursor = records;
      }
      return new Scan(position, records, null, beforeCursor, onBoundary);
    }
  }

  private Path segmentPath(long id) {
    return settings.directory().resolve(PREFIX + id + SUFFIX);
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing after a failure; the original error is what matters
      }
    }
  }
}
