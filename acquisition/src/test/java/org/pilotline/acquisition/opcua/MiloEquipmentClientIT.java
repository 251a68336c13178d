package org.pilotline.acquisition.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pilotline.acquisition.Addresses;
import org.pilotline.acquisition.line.CellEvent;
import org.pilotline.acquisition.line.EndpointSecurity;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Quality;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.line.ReadingBatch;
import org.pilotline.acquisition.line.SpecLimits;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.line.TagStatus;
import org.pilotline.acquisition.line.UnitKind;
import org.pilotline.acquisition.line.UnitNode;
import org.pilotline.acquisition.line.UnitRole;
import org.pilotline.acquisition.testing.AcquisitionHarness;

/** {@link MiloEquipmentClient} against a real Milo server in this JVM. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MiloEquipmentClientIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String STATION = "testStation";
  private static MiloTestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    Map<String, org.eclipse.milo.opcua.stack.core.types.builtin.NodeId> variables = new LinkedHashMap<>();
    variables.put("double", NodeIds.Double);
    variables.put("doubleByIndex", NodeIds.Double);
    variables.put("float", NodeIds.Float);
    variables.put("int32", NodeIds.Int32);
    variables.put("uint32", NodeIds.UInt32);
    variables.put("boolean", NodeIds.Boolean);
    variables.put("string", NodeIds.String);
    variables.put("sensor", NodeIds.Double);
    variables.put("healthy", NodeIds.Double);
    variables.put("unit", NodeIds.String);
    variables.put("unitTemperature", NodeIds.Double);
    server = MiloTestServer.start(variables);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static Tag tag(String name, String nodeId) {
    return new Tag(name, nodeId, "", 50, 10, 0, SpecLimits.NONE, null);
  }

  private static Equipment equipment(String id, List<Tag> tags, List<UnitNode> units) {
    return new Equipment(id, server.endpointUrl(), EndpointSecurity.NONE, 100, tags, units);
  }

  /** Tag ids 101, 102, ... in tag order, as the tag table would hand them out. */
  private static Map<String, Integer> tagIds(Equipment equipment) {
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < equipment.tags().size(); i++) {
      ids.put(STATION + "/" + equipment.id() + "/" + equipment.tags().get(i).name(), 101 + i);
    }
    return ids;
  }

  private static MiloEquipmentClient deploy(Vertx vertx, Equipment equipment) throws Exception {
    MiloEquipmentClient client = new MiloEquipmentClient(equipment, STATION, tagIds(equipment));
    vertx.deployVerticle(client).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    return client;
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  private static BusRecorder<Reading> readings(Vertx vertx) throws Exception {
    // Flattened, so a test waits for readings whichever publish response carried them.
    return BusRecorder.on(vertx, Addresses.READINGS, (ReadingBatch batch) -> batch.readings());
  }

  @Test
  void everyTagDeliversItsValuesWithTagIdSourceTimeAndServerTime(Vertx vertx) throws Exception {
    Equipment equipment = equipment("allTypes", List.of(
        tag("double", MiloTestServer.nodeIdText("double")),
        tag("doubleByIndex", "ns=" + server.namespaceIndex() + ";s=doubleByIndex"),
        tag("float", MiloTestServer.nodeIdText("float")),
        tag("int32", MiloTestServer.nodeIdText("int32")),
        tag("uint32", MiloTestServer.nodeIdText("uint32")),
        tag("boolean", MiloTestServer.nodeIdText("boolean")),
        tag("string", MiloTestServer.nodeIdText("string"))), List.of());
    BusRecorder<Reading> readings = readings(vertx);
    BusRecorder<TagStatus> statuses = BusRecorder.on(vertx, Addresses.TAG_STATUS, (TagStatus s) -> List.of(s));

    MiloEquipmentClient client = deploy(vertx, equipment);
    List<TagStatus> published = statuses.awaitCount("tag statuses", s -> true, 7, WAIT);
    assertTrue(published.stream().allMatch(TagStatus::ok), published.toString());
    assertEquals(7, client.tagStatuses().size());

    Instant t1 = now();
    server.write("double", 21.5, t1);
    server.write("doubleByIndex", -3.75, t1);
    server.write("float", 1.25f, t1);
    server.write("int32", -42, t1);
    server.write("uint32", uint(4_000_000_000L), t1);
    server.write("boolean", true, t1);
    server.write("string", "not a number", t1);

    Map<Integer, Double> expected = new LinkedHashMap<>();
    expected.put(101, 21.5);
    expected.put(102, -3.75);
    expected.put(103, 1.25);
    expected.put(104, -42.0);
    expected.put(105, 4.0e9);
    expected.put(106, 1.0);
    expected.put(107, null);
    for (Map.Entry<Integer, Double> e : expected.entrySet()) {
      Reading r = readings.await("tag " + e.getKey() + " at " + t1,
          x -> x.tagId() == e.getKey() && x.sourceTime().equals(t1), WAIT);
      assertEquals(e.getValue(), r.value(), "tag " + e.getKey());
      // a String on a tag has no number: stored without one, marked Bad_TypeMismatch (DataValues)
      assertEquals(e.getValue() == null ? StatusCodes.Bad_TypeMismatch : 0L, r.statusCode(), "tag " + e.getKey());
      assertNotNull(r.serverTime(), "tag " + e.getKey());
      assertFalse(r.serverTime().isBefore(t1), "server time " + r.serverTime() + " before write " + t1);
    }
    MiloEquipmentClient.Counters counters = client.counters();
    assertTrue(counters.readingsPublished() >= 7, counters.toString());
    assertTrue(counters.notificationsReceived() >= counters.readingsPublished(), counters.toString());
  }

  @Test
  void badStatusCodeArrivesWithExactlyThatCode(Vertx vertx) throws Exception {
    Equipment equipment = equipment("badSensor", List.of(tag("sensor", MiloTestServer.nodeIdText("sensor"))), List.of());
    BusRecorder<Reading> readings = readings(vertx);
    deploy(vertx, equipment);

    Instant t1 = now();
    server.write("sensor", 12.5, StatusCodes.Bad_SensorFailure, t1);
    Reading failure = readings.await("Bad_SensorFailure", r -> r.sourceTime().equals(t1), WAIT);
    assertEquals(0x808C0000L, failure.statusCode());
    assertEquals(Quality.BAD, failure.quality());
    assertEquals(101, failure.tagId());

    Instant t2 = t1.plusMillis(1);
    server.write("sensor", 0.0, 0x80000000L, t2);
    Reading bad = readings.await("generic Bad", r -> r.sourceTime().equals(t2), WAIT);
    assertEquals(0x80000000L, bad.statusCode());
  }

  @Test
  void unknownNodeIdFailsAloneWhileTheOtherTagsKeepDelivering(Vertx vertx) throws Exception {
    Equipment equipment = equipment("partlyBroken", List.of(
        tag("healthy", MiloTestServer.nodeIdText("healthy")),
        tag("missing", MiloTestServer.nodeIdText("DoesNotExist")),
        tag("foreignNamespace", "nsu=urn:nobody:here;s=healthy"),
        tag("malformed", "ns=2;x=7")), List.of());
    BusRecorder<Reading> readings = readings(vertx);
    BusRecorder<TagStatus> statuses = BusRecorder.on(vertx, Addresses.TAG_STATUS, (TagStatus s) -> List.of(s));

    MiloEquipmentClient client = deploy(vertx, equipment);
    statuses.awaitCount("tag statuses", s -> true, 4, WAIT);
    String prefix = STATION + "/partlyBroken/";
    Map<String, TagStatus> byKey = new HashMap<>();
    statuses.all().forEach(s -> byKey.put(s.key(), s));
    assertEquals(new TagStatus(prefix + "healthy", true, ""), byKey.get(prefix + "healthy"));
    assertEquals(new TagStatus(prefix + "missing", false, "BadNodeIdUnknown"), byKey.get(prefix + "missing"));
    assertEquals(new TagStatus(prefix + "foreignNamespace", false,
        "BadNodeIdUnknown: namespace not on server: urn:nobody:here"), byKey.get(prefix + "foreignNamespace"));
    assertEquals(new TagStatus(prefix + "malformed", false, "BadNodeIdInvalid: not a NodeId: \"ns=2;x=7\""),
        byKey.get(prefix + "malformed"));
    assertEquals(byKey, client.tagStatuses());

    Instant t1 = now();
    server.write("healthy", 7.0, t1);
    Reading r = readings.await("healthy tag", x -> x.sourceTime().equals(t1), WAIT);
    assertEquals(101, r.tagId());
    assertEquals(7.0, r.value());
    assertTrue(readings.all().stream().allMatch(x -> x.tagId() == 101), "only the healthy tag delivers");
  }

  @Test
  void unitNodeChangesBecomeCellEvents(Vertx vertx) throws Exception {
    server.write("unit", "", now());
    Equipment equipment = equipment("stacker",
        List.of(tag("temperature", MiloTestServer.nodeIdText("unitTemperature"))),
        List.of(new UnitNode("current", MiloTestServer.nodeIdText("unit"), UnitKind.CELL, UnitRole.PROCESS)));
    BusRecorder<CellEvent> events = BusRecorder.on(vertx, Addresses.CELL_EVENTS, (CellEvent e) -> List.of(e));
    MiloEquipmentClient client = deploy(vertx, equipment);
    assertTrue(client.unitStatuses().get("current").ok(), client.unitStatuses().toString());
    // The slot's state at connect is reported once, empty as it is.
    CellEvent initial = events.await("initial empty slot", e -> e.unit() == null, WAIT);
    assertNull(initial.previousUnit());

    Instant t1 = now();
    server.write("unit", "C-000001", t1);
    CellEvent first = events.await("C-000001", e -> "C-000001".equals(e.unit()), WAIT);
    assertEquals(new CellEvent(STATION, "stacker", "current", UnitKind.CELL, UnitRole.PROCESS,
        null, "C-000001", t1), first);

    Instant t2 = t1.plusSeconds(1);
    server.write("unit", "C-000002", t2);
    CellEvent second = events.await("C-000002", e -> "C-000002".equals(e.unit()), WAIT);
    assertEquals(new CellEvent(STATION, "stacker", "current", UnitKind.CELL, UnitRole.PROCESS,
        "C-000001", "C-000002", t2), second);

    // A Bad unit value says nothing about which cell is there: no event, and no effect on the next.
    server.write("unit", "C-GARBAGE", StatusCodes.Bad_CommunicationError, t2.plusSeconds(1));
    Instant t4 = t2.plusSeconds(2);
    server.write("unit", "C-000003", t4);
    CellEvent third = events.await("C-000003", e -> "C-000003".equals(e.unit()), WAIT);
    assertEquals("C-000002", third.previousUnit());
    assertEquals(t4, third.at());
    assertEquals(4, events.all().size(), events.all().toString());
    assertEquals(4, client.counters().cellEventsPublished());
  }

  @Test
  void startFailsNamingTheOfferedPoliciesWhenSecurityDoesNotMatch(Vertx vertx) {
    Equipment equipment = new Equipment("secured", server.endpointUrl(),
        new EndpointSecurity("Basic256Sha256", "SignAndEncrypt"), 100, List.of(), List.of());
    MiloEquipmentClient client = new MiloEquipmentClient(equipment, STATION, Map.of());
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> vertx.deployVerticle(client).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS));
    assertEquals("equipment secured at " + server.endpointUrl()
        + ": no endpoint offers Basic256Sha256/SignAndEncrypt with Anonymous login;"
        + " the server offers [None/None (Anonymous)]", e.getCause().getMessage());
  }

  // A machine switched off when the node starts must be picked up when it is switched on.
  @Test
  void equipmentUnreachableAtStartIsRetriedAndSubscribedWhenItsServerComesUp(Vertx vertx) throws Exception {
    int port = MiloTestServer.freePort();
    String url = "opc.tcp://127.0.0.1:" + port + MiloTestServer.PATH;
    Equipment equipment = new Equipment("lateComer", url, EndpointSecurity.NONE, 100,
        List.of(tag("late", MiloTestServer.nodeIdText("late"))), List.of());
    BusRecorder<Reading> readings = readings(vertx);
    MiloEquipmentClient client = deploy(vertx, equipment);
    assertFalse(client.connected());
    assertTrue(client.notConnectedReason().startsWith("equipment lateComer at " + url + ": cannot get endpoints"),
        client.notConnectedReason());
    assertEquals(List.of("BadNotConnected: endpoint not answering"),
        client.tagStatuses().values().stream().map(TagStatus::detail).toList());
    // let the back-off run a few rounds against nothing
    assertFalse(AcquisitionHarness.waitFor(Duration.ofSeconds(2), client::connected));

    long upAt = System.nanoTime();
    try (MiloTestServer late = MiloTestServer.start(Map.of("late", NodeIds.Double), port)) {
      assertTrue(AcquisitionHarness.waitFor(Duration.ofSeconds(15), client::connected), "connected after the server came up");
      long connectMs = (System.nanoTime() - upAt) / 1_000_000;
      Instant t = now();
      late.write("late", 42.5, t);
      Reading r = readings.await("the value written after the server came up", x -> x.value() != null && x.value() == 42.5, WAIT);
      assertEquals(t, r.sourceTime());
      assertEquals(List.of(true), client.tagStatuses().values().stream().map(TagStatus::ok).toList());
      assertEquals(0, client.recoveries(), "a first connection is not a recovery");
      System.out.printf("unreachable at start IT: connectedMsAfterServerUp=%d%n", connectMs);
      // bounded by the back-off's cap plus a connect
      assertTrue(connectMs < MiloEquipmentClient.RECONNECT_MAX.toMillis() + 5_000, "connectMs=" + connectMs);
    }
  }

  @Test
  void stopEndsWellWithinItsBound(Vertx vertx) throws Exception {
    Equipment equipment = equipment("stopper", List.of(tag("double", MiloTestServer.nodeIdText("double"))), List.of());
    MiloEquipmentClient client = new MiloEquipmentClient(equipment, STATION, tagIds(equipment));
    String id = vertx.deployVerticle(client).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    long t0 = System.nanoTime();
    vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 2 * MiloEquipmentClient.STOP_STEP_TIMEOUT_MS, "stop took " + ms + " ms");
  }
}
