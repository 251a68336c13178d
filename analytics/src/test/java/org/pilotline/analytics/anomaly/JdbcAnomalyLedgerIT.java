package org.pilotline.analytics.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.testing.TestDatabase;
import org.pilotline.analytics.anomaly.AnomalyLedger.AckResult;
import org.pilotline.analytics.model.Contribution;

class JdbcAnomalyLedgerIT {
  private static TestDatabase.Schema schema;
  private static JdbcAnomalyLedger ledger;
  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

  @BeforeAll
  static void migrate() {
    schema = TestDatabase.createMigratedSchema("anomaly_ledger");
    ledger = new JdbcAnomalyLedger(schema.dataSource());
  }

  @AfterAll
  static void drop() {
    TestDatabase.dropSchema(schema);
  }

  private static Anomaly onCell(String cell, Instant at) {
    return Anomaly.openOnCell(cell, "PCA", 1, at, 9.5, 4.0,
        List.of(new Contribution("press.peak", 6.0), new Contribution("formation.ce", 1.0)));
  }

  @Test
  void recordingTheSameCellAndModelTwiceKeepsOneAnomaly() {
    Anomaly first = ledger.record(onCell("C-dup", T0));
    Anomaly again = ledger.record(onCell("C-dup", T0.plusSeconds(5)));
    assertNotEquals(0, first.id());
    assertEquals(first.id(), again.id());
    assertEquals(T0, again.detectedAt());
    assertEquals("press.peak", again.topCause());
    assertEquals(first.contributions(), again.contributions());
  }

  @Test
  void acknowledgingClosesTheAnomalyOnceAndWritesTheAuditLog() throws Exception {
    Anomaly a = ledger.record(onCell("C-ack", T0));
    assertTrue(ledger.open(100).stream().anyMatch(x -> x.id() == a.id()));

    AckResult first = ledger.acknowledge(a.id(), "erin", "press seal replaced", T0.plusSeconds(60), "api");
    AckResult second = ledger.acknowledge(a.id(), "frank", null, T0.plusSeconds(90), "opcua");

    Anomaly acked = assertInstanceOf(AckResult.Acknowledged.class, first).anomaly();
    assertEquals("erin", acked.acknowledgedBy());
    assertEquals("erin", assertInstanceOf(AckResult.AlreadyAcknowledged.class, second).anomaly().acknowledgedBy());
    assertEquals(acked, ledger.find(a.id()).orElseThrow());
    assertTrue(ledger.open(100).stream().noneMatch(x -> x.id() == a.id()));
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select actor, channel, detail->>'comment' from audit_log"
            + " where subject = 'anomaly:" + a.id() + "'")) {
      assertTrue(rs.next());
      assertEquals("erin", rs.getString(1));
      assertEquals("api", rs.getString(2));
      assertEquals("press seal replaced", rs.getString(3));
      assertTrue(!rs.next(), "one audit row");
    }
  }

  @Test
  void acknowledgingAnUnknownIdSaysNotFound() {
    assertEquals(new AckResult.NotFound(987654), ledger.acknowledge(987654, "erin", "", T0, "api"));
  }

  @Test
  void verdictJsonRoundTripsAndIsStored() throws Exception {
    Anomaly a = ledger.record(onCell("C-verdict", T0));
    CellVerdict v = new CellVerdict("C-verdict", T0, T0.plusMillis(20), false, "PCA", 1, 9.5, 4.0,
        a.topCause(), a.id(), List.of("stacking", "press", "eol"));
    assertEquals(v, AnomalyJson.verdict(AnomalyJson.toJson(v)));
    assertEquals(a, AnomalyJson.anomaly(AnomalyJson.toJson(a)));
    ledger.recordVerdict(v);
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select ok, top_cause, anomaly_id from cell_verdict where cell_id = 'C-verdict'")) {
      assertTrue(rs.next());
      assertEquals(false, rs.getBoolean(1));
      assertEquals("press.peak", rs.getString(2));
      assertEquals(a.id(), rs.getLong(3));
    }
    // what a restarted result server reads back, stations included
    CellVerdict later = new CellVerdict("C-verdict-later", T0.plusSeconds(5), T0.plusSeconds(6), true,
        "PCA", 1, 1.0, 4.0, null, null, List.of("eol"));
    ledger.recordVerdict(later);
    assertEquals(List.of(later, v), ledger.latestVerdicts(2).stream()
        .filter(x -> x.cellId().startsWith("C-verdict")).toList());
  }
}
