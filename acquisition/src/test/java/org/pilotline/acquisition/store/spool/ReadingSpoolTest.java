package org.pilotline.acquisition.store.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.store.spool.SpoolConfig.FullPolicy;

class ReadingSpoolTest {
  private static final Instant T0 = Instant.parse("2026-02-01T00:00:00Z");
  private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

  @TempDir Path dir;

  private SpoolConfig config(long segmentBytes, long capBytes, FullPolicy policy) {
    return new SpoolConfig(dir, segmentBytes, 0, capBytes, policy);
  }

  private ReadingSpool open() throws IOException {
    return ReadingSpool.open(config(64 * 1024, 1 << 20, FullPolicy.DROP_OLDEST), CLOCK);
  }

  private static List<Reading> batch(int first, int n) {
    List<Reading> readings = new ArrayList<>();
    for (int i = first; i < first + n; i++) {
      // every shape the codec knows: with and without server time and value
      readings.add(new Reading(i % 7, T0.plusNanos(i * 1_000_001L), i % 2 == 0 ? T0.plusMillis(i) : null,
          i % 3 == 0 ? null : i * 0.5, i % 5 == 0 ? 0x80000000L + i : 0L));
    }
    return readings;
  }

  private static List<Reading> drain(ReadingSpool spool) throws IOException {
    List<Reading> all = new ArrayList<>();
    List<SpoolRecord> got;
    while (!(got = spool.poll(1000)).isEmpty()) {
      got.forEach(r -> all.addAll(r.readings()));
    }
    return all;
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
  }

  @Test
  void batchesComeBackInOrderWithEveryField() throws Exception {
    try (ReadingSpool spool = open()) {
      List<Reading> expected = new ArrayList<>();
      for (int b = 0; b < 10; b++) {
        assertEquals(b + 1L, spool.append(batch(b * 100, 100)));
        expected.addAll(batch(b * 100, 100));
      }
      assertEquals(expected, drain(spool));
      assertEquals(10, spool.metrics().recordsPending());
      assertEquals(1000, spool.metrics().readingsPending());
    }
  }

  @Test
  void restartResumesAfterTheCommittedRecord() throws Exception {
    try (ReadingSpool spool = open()) {
      for (int b = 0; b < 5; b++) {
        spool.append(batch(b * 10, 10));
      }
      List<SpoolRecord> first = spool.poll(20);
      assertEquals(2, first.size());
      spool.commit(first.get(1).seq());
    }
    try (ReadingSpool spool = open()) {
      assertEquals(2, spool.committedSeq());
      List<SpoolRecord> rest = spool.poll(1000);
      assertEquals(List.of(3L, 4L, 5L), rest.stream().map(SpoolRecord::seq).toList());
      assertEquals(batch(20, 10), rest.get(0).readings());
      // numbering goes on after a restart: sequence numbers are never reused
      assertEquals(6L, spool.append(batch(50, 10)));
    }
  }

  @Test
  void spoolIdSurvivesARestart() throws Exception {
    String id;
    try (ReadingSpool spool = open()) {
      id = spool.id();
    }
    try (ReadingSpool spool = open()) {
      assertEquals(id, spool.id());
    }
  }

  @Nested
  class Recovery {
    @Test
    void halfWrittenRecordAtTheTailIsTruncated() throws Exception {
      try (ReadingSpool spool = open()) {
        spool.append(batch(0, 10));
        spool.append(batch(10, 10));
      }
      Path seg = segments().get(0);
      long size = Files.size(seg);
      // a crash mid-append: the header of a long record and a bit of its payload
      try (FileChannel c = FileChannel.open(seg, StandardOpenOption.WRITE)) {
        c.write(ByteBuffer.allocate(30).putInt(500).putInt(1234).rewind(), size);
      }
      try (ReadingSpool spool = open()) {
        assertEquals(30, spool.metrics().recoveredTruncatedBytes());
        assertEquals(size, Files.size(seg));
        assertEquals(2, spool.poll(1000).size());
        assertEquals(3L, spool.append(batch(20, 1)));
      }
    }

    @Test
    void garbageTailIsTruncated() throws Exception {
      try (ReadingSpool spool = open()) {
        spool.append(batch(0, 10));
      }
      Path seg = segments().get(0);
      long size = Files.size(seg);
      Files.write(seg, new byte[] {1, 2, 3, 4, 5}, StandardOpenOption.APPEND);
      try (ReadingSpool spool = open()) {
        assertEquals(5, spool.metrics().recoveredTruncatedBytes());
        assertEquals(size, Files.size(seg));
        assertEquals(batch(0, 10), drain(spool));
      }
    }

    @Test
    void flippedBitFailsTheChecksumAndEndsTheSegmentThere() throws Exception {
      long secondAt;
      try (ReadingSpool spool = open()) {
        spool.append(batch(0, 10));
        secondAt = Files.size(segments().get(0));
        spool.append(batch(10, 10));
        spool.append(batch(20, 10));
      }
      Path seg = segments().get(0);
      long size = Files.size(seg);
      try (FileChannel c = FileChannel.open(seg, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ByteBuffer one = ByteBuffer.allocate(1);
        c.read(one, secondAt + 40);
        one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
        c.write(one, secondAt + 40);
      }
      try (ReadingSpool spool = open()) {
        assertEquals(size - secondAt, spool.metrics().recoveredTruncatedBytes());
        assertEquals(batch(0, 10), drain(spool));
      }
    }
  }

  @Nested
  class Segments {
    @Test
    void spoolRollsOverAndDeletesOnlyFullyCommittedSegments() throws Exception {
      try (ReadingSpool spool = ReadingSpool.open(config(4096, 1 << 20, FullPolicy.DROP_OLDEST), CLOCK)) {
        for (int b = 0; b < 40; b++) {
          spool.append(batch(b * 20, 20));
        }
        int before = segments().size();
        assertTrue(before >= 5, "segments: " + before);
        List<SpoolRecord> got = spool.poll(Integer.MAX_VALUE);
        assertEquals(40, got.size());
        // a commit in the middle of the second segment deletes the first only
        long firstOfThird = Long.parseLong(segments().get(2).getFileName().toString().replace(".seg", ""));
        spool.commit(firstOfThird - 2);
        assertEquals(before - 1, segments().size());
        spool.commit(40);
        assertEquals(1, segments().size());
        assertEquals(0, spool.metrics().recordsPending());
      }
      try (ReadingSpool spool = ReadingSpool.open(config(4096, 1 << 20, FullPolicy.DROP_OLDEST), CLOCK)) {
        assertTrue(spool.poll(1000).isEmpty());
        assertEquals(0, segments().size());
        assertEquals(41L, spool.append(batch(0, 1)));
      }
    }
  }

  @Nested
  class Cap {
    @Test
    void dropOldestDeletesTheOldestSegmentCountsAndAlarms() throws Exception {
      try (ReadingSpool spool = ReadingSpool.open(config(4096, 3 * 4096, FullPolicy.DROP_OLDEST), CLOCK)) {
        long appended = 0;
        for (int b = 0; b < 60; b++) {
          spool.append(batch(b * 20, 20));
          appended += 20;
        }
        SpoolMetrics m = spool.metrics();
        assertTrue(m.full());
        assertTrue(m.readingsDropped() > 0, m.toString());
        assertTrue(m.bytesUsed() <= 3 * 4096, m.toString());
        List<Reading> left = drain(spool);
        assertEquals(appended, left.size() + m.readingsDropped());
        // what is left is the newest, in order
        assertEquals(batch((int) m.readingsDropped(), left.size()), left);
      }
    }

    @Test
    void stopAcquiringRefusesAppendsUntilCommitsFreeSpace() throws Exception {
      try (ReadingSpool spool = ReadingSpool.open(config(4096, 3 * 4096, FullPolicy.STOP_ACQUIRING), CLOCK)) {
        long last = 0;
        int accepted = 0;
        while (true) {
          try {
            last = spool.append(batch(accepted * 20, 20));
            accepted++;
          } catch (SpoolFullException e) {
            break;
          }
        }
        assertThrows(SpoolFullException.class, () -> spool.append(batch(0, 20)));
        SpoolMetrics m = spool.metrics();
        assertTrue(m.full());
        assertEquals(2, m.appendsRefused());
        assertEquals(0, m.readingsDropped());
        assertEquals(accepted * 20L, drain(spool).size());
        spool.commit(last);
        assertFalse(spool.metrics().full());
        spool.append(batch(0, 20));
      }
    }
  }

  @Test
  void oldestPendingAgeFollowsTheClock() throws Exception {
    Instant[] now = {T0};
    Clock clock = new Clock() {
      @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return now[0]; }
    };
    try (ReadingSpool spool = ReadingSpool.open(config(64 * 1024, 1 << 20, FullPolicy.DROP_OLDEST), clock)) {
      spool.append(batch(0, 5));
      now[0] = T0.plusSeconds(3);
      spool.append(batch(5, 5));
      now[0] = T0.plusSeconds(10);
      assertEquals(10_000, spool.metrics().oldestPendingAgeMs());
      spool.commit(1);
      assertEquals(7_000, spool.metrics().oldestPendingAgeMs());
      spool.commit(2);
      assertEquals(0, spool.metrics().oldestPendingAgeMs());
    }
  }
}
