package org.pilotline.acquisition.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pilotline.acquisition.Addresses;
import org.pilotline.acquisition.line.CellEvent;
import org.pilotline.acquisition.line.DataGap;
import org.pilotline.acquisition.line.EndpointSecurity;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.line.ReadingBatch;
import org.pilotline.acquisition.line.SpecLimits;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.line.UnitKind;
import org.pilotline.acquisition.line.UnitNode;
import org.pilotline.acquisition.line.UnitRole;
import org.pilotline.acquisition.testing.AcquisitionHarness;

/**
 * The server drops the client's session while staying up. Milo opens a new session by itself and
 * tries to transfer the subscription; when the transfer fails, the subscription is created again
 * on that new session (not on a new client), with its unit slots forgotten. Either way the outage
 * is one gap, from the last value before it to the first after it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionLossIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String STATION = "line";
  private static MiloTestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = MiloTestServer.start(Map.<String, NodeId>of("level", NodeIds.Double, "unit", NodeIds.String));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** Keeps what the client hands over; the port's JDBC adapter has its own IT. */
  private static final class Gaps implements org.pilotline.acquisition.store.DataGapSink {
    final List<DataGap> recorded = new CopyOnWriteArrayList<>();

    @Override
    public void record(DataGap gap) {
      recorded.add(gap);
    }
  }

  private static Equipment equipment() {
    return new Equipment("press", server.endpointUrl(), EndpointSecurity.NONE, 100,
        List.of(new Tag("level", MiloTestServer.nodeIdText("level"), "", 50, 10, 0, SpecLimits.NONE, null)),
        List.of(new UnitNode("current", MiloTestServer.nodeIdText("unit"), UnitKind.CELL, UnitRole.PROCESS)));
  }

  private static MiloEquipmentClient deploy(Vertx vertx, Gaps gaps) throws Exception {
    MiloEquipmentClient client = new MiloEquipmentClient(
        equipment(), STATION, Map.of(STATION + "/press/level", 7), Clock.systemUTC(), gaps);
    vertx.deployVerticle(client).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    return client;
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  // The subscription is still on the server, but Milo's server refuses to transfer an anonymous
  // session's subscription (Bad_UserAccessDenied): the client must not wait for it.
  @Test
  void subscriptionTheServerWillNotTransferIsCreatedAgain(Vertx vertx) throws Exception {
    Gaps gaps = new Gaps();
    BusRecorder<Reading> readings = BusRecorder.on(vertx, Addresses.READINGS, (ReadingBatch b) -> b.readings());
    Instant t1 = now();
    server.write("level", 1.0, t1);
    MiloEquipmentClient client = deploy(vertx, gaps);
    readings.await("the value before", r -> r.sourceTime().equals(t1), WAIT);

    server.killSessions(false);
    assertTrue(AcquisitionHarness.waitFor(WAIT, () -> client.recoveries() == 1), "not recovered");
    Instant t2 = now();
    server.write("level", 2.0, t2);
    readings.await("the value after", r -> r.sourceTime().equals(t2), WAIT);
    assertTrue(AcquisitionHarness.waitFor(WAIT, () -> gaps.recorded.size() == 1), "gaps: " + gaps.recorded);

    assertEquals("resubscribed", client.lastRecovery());
    DataGap gap = gaps.recorded.get(0);
    assertEquals(t1, gap.from());
    assertEquals(t2, gap.to());
  }

  @Test
  void subscriptionThatWasDeletedIsCreatedAgainWithItsUnitSlotsForgotten(Vertx vertx) throws Exception {
    Gaps gaps = new Gaps();
    BusRecorder<Reading> readings = BusRecorder.on(vertx, Addresses.READINGS, (ReadingBatch b) -> b.readings());
    BusRecorder<CellEvent> events = BusRecorder.on(vertx, Addresses.CELL_EVENTS, (CellEvent e) -> List.of(e));
    Instant t1 = now();
    server.write("level", 1.0, t1);
    server.write("unit", "C-000001", t1);
    MiloEquipmentClient client = deploy(vertx, gaps);
    readings.await("the value before", r -> r.sourceTime().equals(t1), WAIT);
    events.await("the first unit", e -> "C-000001".equals(e.unit()), WAIT);

    server.killSessions(true);
    assertTrue(AcquisitionHarness.waitFor(WAIT, () -> client.recoveries() == 1), "not recovered");
    Instant t2 = now();
    server.write("level", 2.0, t2);
    readings.await("the value after", r -> r.sourceTime().equals(t2), WAIT);
    assertTrue(AcquisitionHarness.waitFor(WAIT, () -> gaps.recorded.size() == 1), "gaps: " + gaps.recorded);

    assertEquals("resubscribed", client.lastRecovery());
    List<CellEvent> unitEvents = events.all();
    assertEquals(2, unitEvents.size(), "the unit reported again after recovery: " + unitEvents);
    assertNull(unitEvents.get(1).previousUnit(), "no previous unit after recovery: " + unitEvents.get(1));
    assertEquals("C-000001", unitEvents.get(1).unit());
    DataGap gap = gaps.recorded.get(0);
    assertEquals(t1, gap.from());
    assertEquals(t2, gap.to());
  }
}
