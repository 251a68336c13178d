package org.pilotline.acquisition.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
}
