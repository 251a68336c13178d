package org.pilotline.acquisition.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pilotline.acquisition.Addresses;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.line.CellEvent;
import org.pilotline.acquisition.line.UnitKind;
import org.pilotline.acquisition.line.UnitRole;
import org.pilotline.acquisition.testing.TestDatabase;

@ExtendWith(VertxExtension.class)
class ProcessWindowVerticleIT {
  private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  private static TestDatabase.Schema schema;

  @BeforeAll
  static void migrate() throws SQLException {
    schema = TestDatabase.createMigratedSchema("windowverticle");
  }

  @AfterAll
  static void drop() {
    schema.close();
  }

  @Test
  void eventsOnTheBusAreStoredInOrder(Vertx vertx) throws Exception {
    ProcessWindowVerticle verticle = new ProcessWindowVerticle(new JdbcUnitStore(schema.dataSource()));
    vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    LocalCodecs.register(vertx.eventBus());

    // a burst of changes on one slot: only arrival order gives the right windows
    String previous = null;
    for (int i = 1; i <= 50; i++) {
      String cell = String.format("C-%06d", i);
      vertx.eventBus().publish(Addresses.CELL_EVENTS, new CellEvent("eol", "eolTester", "current",
          UnitKind.CELL, UnitRole.PROCESS, previous, cell, T0.plusSeconds(i)));
      previous = cell;
    }

    CompletableFuture<Void> done = new CompletableFuture<>();
    long timer = vertx.setPeriodic(10, id -> {
      if (verticle.eventsApplied() == 50) {
        done.complete(null);
      }
    });
    done.get(20, TimeUnit.SECONDS);
    vertx.cancelTimer(timer);

    assertEquals(0L, verticle.eventsLost());
    List<String> rows = new ArrayList<>();
    try (Connection c = schema.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select unit_id, extract(epoch from start_ts - '2026-03-01 08:00:00+00')::int,"
            + " coalesce(extract(epoch from end_ts - '2026-03-01 08:00:00+00')::int, -1) from process_window order by id")) {
      while (rs.next()) {
        rows.add(rs.getString(1) + "|" + rs.getInt(2) + "|" + rs.getInt(3));
      }
    }
    assertEquals(50, rows.size());
    assertEquals("C-000001|1|2", rows.get(0));
    assertEquals("C-000049|49|50", rows.get(48));
    assertEquals("C-000050|50|-1", rows.get(49));
  }

  @Test
  void aCellWindowClosingAtTheCompletionStationIsPublishedOnceStored(Vertx vertx) throws Exception {
    try (TestDatabase.Schema own = TestDatabase.createMigratedSchema("windowcompleted")) {
      ProcessWindowVerticle verticle = new ProcessWindowVerticle(new JdbcUnitStore(own.dataSource()), "eol");
      vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      LocalCodecs.register(vertx.eventBus());
      // what a listener finds in the database when the completion arrives
      List<String> seen = new CopyOnWriteArrayList<>();
      vertx.eventBus().<JsonObject>consumer(Addresses.CELL_COMPLETED, msg -> {
        JsonObject body = msg.body();
        vertx.executeBlocking(() -> eolEnd(own, body.getString("cellId")))
            .onSuccess(end -> seen.add(body.getString("cellId") + "|" + body.getString("completedAt") + "|" + end));
      });

      // C-1 and C-2 go through formation (ch1) and EOL; C-3 is still in EOL at the end
      List<CellEvent> events = List.of(
          new CellEvent("formation", "cycler", "ch1", UnitKind.CELL, UnitRole.PROCESS, null, "C-1", T0),
          new CellEvent("formation", "cycler", "ch1", UnitKind.CELL, UnitRole.PROCESS, "C-1", "C-2", T0.plusSeconds(4)),
          new CellEvent("eol", "eolTester", "current", UnitKind.CELL, UnitRole.PROCESS, null, "C-1", T0.plusSeconds(4)),
          new CellEvent("formation", "cycler", "ch1", UnitKind.CELL, UnitRole.PROCESS, "C-2", "C-3", T0.plusSeconds(8)),
          new CellEvent("eol", "eolTester", "current", UnitKind.CELL, UnitRole.PROCESS, "C-1", "C-2", T0.plusSeconds(8)),
          new CellEvent("eol", "eolTester", "current", UnitKind.CELL, UnitRole.PROCESS, "C-2", "C-3", T0.plusSeconds(12)));
      events.forEach(e -> vertx.eventBus().publish(Addresses.CELL_EVENTS, e));

      CompletableFuture<Void> done = new CompletableFuture<>();
      long timer = vertx.setPeriodic(10, id -> {
        if (verticle.eventsApplied() == events.size() && seen.size() >= 2) {
          done.complete(null);
        }
      });
      done.get(20, TimeUnit.SECONDS);
      vertx.cancelTimer(timer);

      assertEquals(List.of("C-1|2026-03-01T08:00:08Z|2026-03-01T08:00:08Z", "C-2|2026-03-01T08:00:12Z|2026-03-01T08:00:12Z"),
          List.copyOf(seen));
      vertx.undeploy(verticle.deploymentID()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static String eolEnd(TestDatabase.Schema own, String cell) throws SQLException {
    try (Connection c = own.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
        "select end_ts from process_window where unit_kind = 'CELL' and unit_id = ? and station = 'eol'")) {
      ps.setString(1, cell);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return "no window";
        }
        java.time.OffsetDateTime end = rs.getObject(1, java.time.OffsetDateTime.class);
        return end == null ? "open" : end.toInstant().toString();
      }
    }
  }
}
