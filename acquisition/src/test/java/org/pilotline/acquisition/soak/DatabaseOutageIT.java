package org.pilotline.acquisition.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pilotline.acquisition.line.TagRef;
import org.pilotline.acquisition.testing.SimWriteLog;

/**
 * The database-outage fault, end to end: the simulator (a real Milo server) publishes
 * 6,000 readings/s, acquisition (one MiloEquipmentClient per equipment, the writer with the disk
 * spool) stores them, and the PostgreSQL it writes to (an embedded instance of this test's own,
 * whatever {@code pilotline.test.jdbcUrl} says, since it must be stoppable) is really stopped
 * for 60 s mid-ingest and started again on the same port. Both sides count: the simulator what
 * it published, the database what it holds; they must match with nothing duplicated.
 */
class DatabaseOutageIT {
  private static final int RATE = 6_000;
  private static final Duration OUTAGE = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void sixtySecondDatabaseStopAtSixThousandReadingsPerSecondLosesAndDuplicatesNothing() throws Exception {
    // 5 s of ingest, the database stopped for 60 s, then 15 s more of live data over the replay
    SoakOptions options = new SoakOptions(Duration.ofSeconds(80), RATE, Duration.ofMinutes(10), OUTAGE,
        Duration.ofSeconds(5), 200, 3, dir, null, false, Duration.ofSeconds(10));
    SimWriteLog written = new SimWriteLog();
    try (SoakRun run = SoakRun.start(options, System.out, written)) {
      SoakResult r = run.run();
      SoakRun.print(r, System.out);
      long verified = everyStoredRowWasPublishedWithItsValue(run, written);

      assertEquals(1, r.outages().size(), r.outages().toString());
      SoakResult.Outage o = r.outages().get(0);
      assertTrue(o.refusedConnections(), "the database refused connections during the outage");
      assertTrue(o.downMs() >= OUTAGE.toMillis(), "down " + o.downMs() + " ms");
      assertTrue(o.recoveryMs() >= 0, "the backlog was written: " + o);
      // the outage really hit a backlog: at least most of its minute waited in the spool
      assertTrue(o.peakPendingReadings() > OUTAGE.toSeconds() * RATE / 2, "spool peak " + o.peakPendingReadings());
      assertTrue(r.achievedPerSecond() >= 5_000, "produced " + r.achievedPerSecond() + " readings/s");
      assertEquals(r.produced(), r.stored(), "stored = produced");
      assertEquals(0, r.lost(), "lost");
      assertEquals(0, r.duplicated(), "duplicated");
      assertEquals(0, r.unexpected(), "stored but never published");
      assertEquals(0, r.writerDropped(), "dropped by the writer or the spool");
      assertEquals(r.stored(), verified, "rows checked against the simulator's log");
    }
  }

  /**
   * Reads back every row in the counted window and checks that the simulator wrote exactly that
   * value to that tag's node at that source time; returns the rows checked.
   */
  private static long everyStoredRowWasPublishedWithItsValue(SoakRun run, SimWriteLog written)
      throws Exception {
    Map<Integer, String> nodeOfTag = new HashMap<>();
    for (TagRef ref : (Iterable<TagRef>) run.line().tagRefs()::iterator) {
      nodeOfTag.put(run.tagIds().get(ref.key()), ref.tag().nodeId());
    }
    long rows = 0;
    try (Connection c = run.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("select tag_id, ts, value from reading where ts >= ?")) {
        ps.setFetchSize(10_000);
        ps.setTimestamp(1, Timestamp.from(run.countedFrom()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String node = nodeOfTag.get(rs.getInt(1));
            java.time.Instant ts = rs.getTimestamp(2).toInstant();
            double value = rs.getDouble(3);
            Double published = written.valueAt(node, ts).orElse(null);
            assertEquals(published, (Double) value, "tag " + rs.getInt(1) + " at " + ts);
            rows++;
          }
        }
      }
      c.commit();
    }
    return rows;
  }
}
