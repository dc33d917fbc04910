package dev.flowtel.collector.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSpoolTest {

  /** Topic "t", a 10-byte key and a 100-byte value: body 121 bytes, frame 129 bytes. */
  static SpoolRecord record(int i) {
    byte[] value = new byte[100];
    byte[] digits = String.format("%010d", i).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(digits, 0, value, 0, digits.length);
    return new SpoolRecord("t", String.format("key-%06d", i).getBytes(StandardCharsets.US_ASCII), value);
  }

  static int indexOf(SpoolRecord r) {
    return Integer.parseInt(new String(r.value(), 0, 10, StandardCharsets.US_ASCII));
  }

  static List<SpoolRecord> records(int from, int to) {
    return IntStream.range(from, to).mapToObj(DiskSpoolTest::record).toList();
  }

  @TempDir
  Path dir;

  SpoolSettings small() {
    // 4096-byte segments hold 31 frames of 129 bytes after the 8-byte header (4007 bytes).
    return new SpoolSettings(dir, 2 * 4096, 4096, Duration.ZERO);
  }

  @Test
  void recordsComeBackInOrderAndReadSegmentsAreDeleted() {
    try (DiskSpool spool = DiskSpool.open(SpoolSettings.defaults(dir).withSegmentBytes(4096).withMaxBytes(1 << 20))) {
      spool.appendAll(records(0, 100));
      assertThat(spool.pendingRecords()).isEqualTo(100);
      assertThat(spool.sizeBytes()).isEqualTo(3 * 4007 + 8 + 7 * 129);

      List<SpoolRecord> first = spool.peek(40, Long.MAX_VALUE);
      assertThat(first).hasSize(40).isEqualTo(records(0, 40));
      assertThat(spool.peek(40, Long.MAX_VALUE)).as("peek does not move the cursor").isEqualTo(records(0, 40));
      spool.advance(35);
      assertThat(spool.pendingRecords()).isEqualTo(65);
      assertThat(segmentFiles()).as("first segment (records 0..30) read and deleted").hasSize(3);

      assertThat(spool.peek(1000, Long.MAX_VALUE)).isEqualTo(records(35, 100));
      spool.advance(65);
      assertThat(spool.isEmpty()).isTrue();
      assertThat(spool.sizeBytes()).isZero();
      assertThat(segmentFiles()).isEmpty();

      spool.append(record(100));
      assertThat(spool.peek(10, Long.MAX_VALUE)).containsExactly(record(100));
    }
  }

  @Test
  void peekStopsAtTheByteBudget() {
    try (DiskSpool spool = DiskSpool.open(small())) {
      spool.appendAll(records(0, 20));
      assertThat(spool.peek(100, 5 * 129)).isEqualTo(records(0, 5));
    }
  }

  @Test
  void aRestartResumesAtTheCursor() {
    try (DiskSpool spool = DiskSpool.open(SpoolSettings.defaults(dir).withSegmentBytes(4096).withMaxBytes(1 << 20))) {
      spool.appendAll(records(0, 100));
      spool.peek(45, Long.MAX_VALUE);
      spool.advance(45);
    }
    try (DiskSpool spool = DiskSpool.open(SpoolSettings.defaults(dir).withSegmentBytes(4096).withMaxBytes(1 << 20))) {
      assertThat(spool.pendingRecords()).isEqualTo(55);
      spool.appendAll(records(100, 110));
      assertThat(spool.peek(1000, Long.MAX_VALUE)).isEqualTo(records(45, 110));
    }
  }

  @Test
  void aTornTailIsCutOffWhenTheSpoolIsOpened() throws IOException {
    try (DiskSpool spool = DiskSpool.open(small())) {
      spool.appendAll(records(0, 20));
    }
    Path segment = segmentFiles().getFirst();
    try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
      file.setLength(8 + 20 * 129 - 5); // the last frame loses its final 5 bytes, as in a crash mid-write
    }
    try (DiskSpool spool = DiskSpool.open(small())) {
      assertThat(spool.truncatedTails()).isEqualTo(1);
      assertThat(spool.pendingRecords()).isEqualTo(19);
      assertThat(Files.size(segment)).isEqualTo(8 + 19 * 129);
      spool.append(record(20));
      assertThat(spool.peek(100, Long.MAX_VALUE)).isEqualTo(Stream.concat(records(0, 19).stream(), Stream.of(record(20))).toList());
    }
    try (DiskSpool spool = DiskSpool.open(small())) {
      assertThat(spool.truncatedTails()).as("a clean reopen cuts nothing").isZero();
      assertThat(spool.pendingRecords()).isEqualTo(20);
    }
  }

  @Test
  void aFrameWithABadChecksumEndsTheSegment() throws IOException {
    try (DiskSpool spool = DiskSpool.open(small())) {
      spool.appendAll(records(0, 10));
    }
    Path segment = segmentFiles().getFirst();
    try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
      long seventhValue = 8 + 6 * 129 + 8 + 2 + 1 + 4 + 10 + 4 + 50;
      file.seek(seventhValue);
      int b = file.read();
      file.seek(seventhValue);
      file.write(b ^ 0xFF);
    }
    try (DiskSpool spool = DiskSpool.open(small())) {
      assertThat(spool.truncatedTails()).isEqualTo(1);
      assertThat(spool.peek(100, Long.MAX_VALUE)).isEqualTo(records(0, 6));
    }
  }

  @Test
  void aFullSpoolDropsItsOldestSegmentAndCountsIt() {
    try (DiskSpool spool = DiskSpool.open(small())) {
      spool.appendAll(records(0, 20));
      spool.peek(10, Long.MAX_VALUE);
      spool.advance(10); // records 0..9 sent; 21 of the first segment will be unsent
      spool.appendAll(records(20, 100));
      // Segments: 0..30, 31..61, 62..92, 93..99. Two full segments plus the next segment's header
      // and two frames pass 8192 bytes: record 63 drops the first segment, record 94 the second.
      assertThat(spool.droppedSegments()).isEqualTo(2);
      assertThat(spool.droppedRecords()).isEqualTo(21 + 31);
      assertThat(spool.pendingRecords()).isEqualTo(38);
      assertThat(spool.sizeBytes()).isEqualTo(4007 + 8 + 7 * 129);
      List<SpoolRecord> left = spool.peek(1000, Long.MAX_VALUE);
      assertThat(left).isEqualTo(records(62, 100));
    }
    try (DiskSpool spool = DiskSpool.open(small())) {
      assertThat(spool.pendingRecords()).isEqualTo(38);
      assertThat(indexOf(spool.peek(1, Long.MAX_VALUE).getFirst())).isEqualTo(62);
    }
  }

  @Test
  void aSegmentDroppedBetweenPeekAndAdvanceIsNotCountedTwice() {
    try (DiskSpool spool = DiskSpool.open(small())) {
      spool.appendAll(records(0, 40));
      assertThat(spool.peek(20, Long.MAX_VALUE)).isEqualTo(records(0, 20));
      spool.appendAll(records(40, 64)); // record 63 drops the segment 0..30 while 0..19 are in flight
      assertThat(spool.droppedRecords()).isEqualTo(31);
      spool.advance(20);
      assertThat(spool.pendingRecords()).isEqualTo(64 - 31);
      assertThat(spool.peek(1000, Long.MAX_VALUE)).isEqualTo(records(31, 64));
    }
  }

  @Test
  void prependedRecordsComeFirstAndStayFirstAfterARestart() {
    try (DiskSpool spool = DiskSpool.open(small())) {
      spool.appendAll(records(10, 20));
      spool.prepend(records(0, 5));
      assertThat(spool.pendingRecords()).isEqualTo(15);
      List<SpoolRecord> expected = new ArrayList<>(records(0, 5));
      expected.addAll(records(10, 20));
      assertThat(spool.peek(100, Long.MAX_VALUE)).isEqualTo(expected);
      spool.advance(3);
    }
    try (DiskSpool spool = DiskSpool.open(small())) {
      List<SpoolRecord> expected = new ArrayList<>(records(3, 5));
      expected.addAll(records(10, 20));
      assertThat(spool.peek(100, Long.MAX_VALUE)).isEqualTo(expected);
      spool.advance(12);
      assertThat(spool.isEmpty()).isTrue();
    }
  }

  @Test
  void aSegmentPrependedJustBeforeACrashIsNotMistakenForASentOne() throws IOException {
    try (DiskSpool spool = DiskSpool.open(small())) {
      spool.appendAll(records(10, 20));
      spool.prepend(records(0, 5));
    }
    // The crash came between writing the prepended segment and saving the cursor: the cursor
    // still names the later segment.
    Path cursor = dir.resolve(DiskSpool.CURSOR_FILE);
    Files.writeString(cursor, (DiskSpool.FIRST_SEGMENT_ID) + " 8\n");
    try (DiskSpool spool = DiskSpool.open(small())) {
      List<SpoolRecord> expected = new ArrayList<>(records(0, 5));
      expected.addAll(records(10, 20));
      assertThat(spool.peek(100, Long.MAX_VALUE)).isEqualTo(expected);
    }
  }

  @Test
  void tombstonesAndLargeRecordsSurviveTheRoundTrip() {
    byte[] big = new byte[3 << 20];
    big[big.length - 1] = 7;
    try (DiskSpool spool = DiskSpool.open(SpoolSettings.defaults(dir))) {
      spool.append(new SpoolRecord("flowtel.cluster-state.v1", "Namespace/shop".getBytes(StandardCharsets.UTF_8), null));
      spool.append(new SpoolRecord("t", null, big));
      List<SpoolRecord> back = spool.peek(10, Long.MAX_VALUE);
      assertThat(back.get(0).value()).isNull();
      assertThat(new String(back.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("Namespace/shop");
      assertThat(back.get(1).key()).isNull();
      assertThat(back.get(1).value()).isEqualTo(big);
    }
  }

  private List<Path> segmentFiles() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".spool")).sorted().toList();
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }
}
