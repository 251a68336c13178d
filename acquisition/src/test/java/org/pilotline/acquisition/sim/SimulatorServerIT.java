package org.pilotline.acquisition.sim;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.EUInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pilotline.acquisition.line.EndpointSecurity;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.SpecLimits;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.Tag;

/** A real Milo client against the simulator on free ports, with the clock at 50x. */
@Timeout(60)
class SimulatorServerIT {
  static final long BAD_SENSOR_FAILURE = 0x808B0000L;
  static final String SPEED = DemoLines.NS + "mixing/mixer/speed";

  static SimulatorServer sim;
  static Line line;
  static int port;
  static int eolPort;
  static long startupMs;
  static Path groundTruth;
  static final AtomicLong listenerWrites = new AtomicLong();
  static final ConcurrentHashMap<Long, Boolean> listenerStatuses = new ConcurrentHashMap<>();
  static final List<OpcUaClient> clients = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    port = freePort();
    eolPort = freePort();
    Line demo = DemoLines.demo(port);
    Equipment eol = demo.station("eol").orElseThrow().equipment().get(0);
    line = demo.withEquipment(eol.withEndpointUrl("opc.tcp://127.0.0.1:" + eolPort + "/pilotline/eol"));
    groundTruth = dir.resolve("truth/ground-truth.csv");
    SimulatorOptions options = SimulatorOptions.defaults().withTimeScale(50).withTaktSeconds(5).withSeed(3)
        .withGroundTruth(groundTruth);
    long t0 = System.nanoTime();
    sim = SimulatorServer.create(line, options, (node, time, value, status) -> {
      if (node.equals(SPEED)) {
        listenerWrites.incrementAndGet();
        listenerStatuses.put(status, true);
      }
    });
    sim.startAsync().get(20, SECONDS);
    startupMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("SimulatorServer: %d nodes on 2 ports started in %d ms%n",
        line.equipment().mapToInt(e -> e.tags().size() + e.units().size()).sum(), startupMs);
  }

  @AfterAll
  static void stop() throws Exception {
    for (OpcUaClient c : clients) {
      c.disconnect();
    }
    if (sim != null) {
      sim.stop();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static OpcUaClient connect(String url) throws Exception {
    OpcUaClient client = OpcUaClient.create(url,
        eps -> eps.stream()
            .filter(e -> e.getEndpointUrl().equals(url) && SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri()))
            .findFirst(),
        transport -> { },
        config -> { });
    client.connect();
    clients.add(client);
    return client;
  }

  static NodeId nodeId(OpcUaClient client, String path) throws Exception {
    int ns = client.readNamespaceTable().getIndex(SimulatorServer.NAMESPACE_URI).intValue();
    return new NodeId(ns, path);
  }

  // The first server in a JVM pays for loading Milo's classes and namespace 0; later ones must be quick.
  @Test
  void anotherServerStartsWithinTwoSeconds() throws Exception {
    Line other = DemoLines.demo(freePort());
    long t0 = System.nanoTime();
    SimulatorServer second = SimulatorServer.create(other, SimulatorOptions.defaults());
    try {
      second.startAsync().get(10, SECONDS);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf("SimulatorServer: warm start of a second simulator in %d ms (cold first: %d ms)%n", ms, startupMs);
      assertTrue(ms < 2000, "startup ms " + ms);
    } finally {
      second.stop();
    }
  }

  // One Milo server serves every path on its port; each equipment URL must accept a session.
  @Test
  void everyEquipmentUrlAcceptsAClientAndServesItsTags() throws Exception {
    for (Equipment e : line.equipment().toList()) {
      OpcUaClient client = connect(e.endpointUrl());
      String path = e.tags().get(0).nodeId().substring(DemoLines.NS.length());
      DataValue v = readUntilGood(client, nodeId(client, path));
      assertInstanceOf(Double.class, v.value().value(), e.endpointUrl());
    }
  }

  @Test
  void unitNodeHoldsTheOpenLot() throws Exception {
    OpcUaClient client = connect(line.equipment().toList().get(0).endpointUrl());
    DataValue v = client.readValue(0, TimestampsToReturn.Both, nodeId(client, "dryRoom/dryRoomPlc/unit/currentLot"));
    assertEquals("LOT-0001", v.value().value());
  }

  @Test
  void tagCarriesItsEngineeringUnits() throws Exception {
    OpcUaClient client = connect(line.equipment().toList().get(0).endpointUrl());
    DataValue v = client.readValue(0, TimestampsToReturn.Both,
        nodeId(client, "dryRoom/dryRoomPlc/dewPoint.EngineeringUnits"));
    EUInformation eu = (EUInformation) ((ExtensionObject) v.value().value()).decode(client.getStaticEncodingContext());
    assertEquals("°C", eu.getDisplayName().text());
  }

  @Test
  void subscriptionDeliversChangingValuesStampedOnTheFastClock() throws Exception {
    OpcUaClient client = connect("opc.tcp://127.0.0.1:" + port + "/pilotline/mixing");
    List<DataValue> values = new CopyOnWriteArrayList<>();
    CountDownLatch five = new CountDownLatch(5);
    subscribe(client, nodeId(client, "mixing/mixer/speed"), v -> {
      values.add(v);
      five.countDown();
    });
    assertTrue(five.await(15, SECONDS), "values: " + values.size());
    DataValue last = values.get(values.size() - 1);
    assertTrue(values.stream().map(v -> v.value().value()).distinct().count() >= 3);
    Instant source = last.sourceTime().getJavaInstant();
    Instant server = last.serverTime().getJavaInstant();
    // At 50x the sim clock has run well ahead of the wall clock after the first second.
    assertTrue(source.isAfter(server.plusSeconds(20)), "source " + source + " server " + server);
    assertTrue(listenerWrites.get() >= 5);
  }

  @Test
  void injectedBadStatusArrivesWithItsStatusCode() throws Exception {
    OpcUaClient client = connect("opc.tcp://127.0.0.1:" + port + "/pilotline/mixing");
    CompletableFuture<DataValue> bad = new CompletableFuture<>();
    CompletableFuture<DataValue> goodAgain = new CompletableFuture<>();
    subscribe(client, nodeId(client, "isostaticPress/wip/temperature"), v -> {
      if (v.statusCode().value() == BAD_SENSOR_FAILURE) {
        bad.complete(v);
      } else if (bad.isDone() && v.statusCode().isGood()) {
        goodAgain.complete(v);
      }
    });
    sim.injectStatus(DemoLines.NS + "isostaticPress/wip/temperature", BAD_SENSOR_FAILURE);
    sim.injectStatus(SPEED, BAD_SENSOR_FAILURE);
    DataValue v = bad.get(10, SECONDS);
    assertEquals(BAD_SENSOR_FAILURE, v.statusCode().value());
    assertInstanceOf(Double.class, v.value().value(), "the value is kept");
    sim.clearStatus(DemoLines.NS + "isostaticPress/wip/temperature");
    sim.clearStatus(SPEED);
    assertTrue(goodAgain.get(10, SECONDS).statusCode().isGood());
    assertTrue(listenerStatuses.containsKey(BAD_SENSOR_FAILURE));
  }

  @Test
  void equipmentOnAnotherPortGetsItsOwnServer() throws Exception {
    OpcUaClient client = connect("opc.tcp://127.0.0.1:" + eolPort + "/pilotline/eol");
    DataValue v = client.readValue(0, TimestampsToReturn.Both, nodeId(client, "eol/eolTester/unit/current"));
    assertInstanceOf(String.class, v.value().value());
  }

  // Configs from real equipment use numeric, GUID and foreign-namespace ids too.
  @Test
  void servesEveryNodeIdFormAndRefusesServerNamespaces() throws Exception {
    int p = freePort();
    String url = "opc.tcp://127.0.0.1:" + p + "/plc";
    UUID guid = UUID.fromString("9b2c3c1e-0f5e-4a55-9a7e-1d2f3a4b5c6d");
    List<Tag> tags = List.of(
        tag("numeric", "ns=3;i=1001"), tag("foreign", "nsu=urn:vendor:plc;s=Line1.Temp"),
        tag("guid", "ns=2;g=" + guid), tag("plain", "ns=2;s=Plain/Tag"));
    Line odd = new Line("odd", List.of(new Station("press", "Press", List.of(
        new Equipment("plc", url, EndpointSecurity.NONE, 500, tags, List.of())))));
    SimulatorServer other = SimulatorServer.create(odd, SimulatorOptions.defaults());
    try {
      other.startAsync().get(10, SECONDS);
      OpcUaClient client = connect(url);
      var table = client.readNamespaceTable();
      int vendor = table.getIndex("urn:vendor:plc").intValue();
      assertInstanceOf(Double.class, readUntilGood(client, new NodeId(3, 1001)).value().value());
      assertInstanceOf(Double.class, readUntilGood(client, new NodeId(vendor, "Line1.Temp")).value().value());
      assertInstanceOf(Double.class, readUntilGood(client, new NodeId(2, guid)).value().value());
      assertInstanceOf(Double.class, readUntilGood(client, new NodeId(2, "Plain/Tag")).value().value());
    } finally {
      other.stop();
    }
    Line bad = new Line("bad", List.of(new Station("press", "Press", List.of(
        new Equipment("plc", url, EndpointSecurity.NONE, 500,
            List.of(tag("server", "ns=0;i=2258")), List.of())))));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SimulatorServer.create(bad, SimulatorOptions.defaults()));
    assertEquals("equipment plc: cannot simulate \"ns=0;i=2258\": namespace 0 belongs to the server; "
        + "use ns=2 or more, or nsu=urn:pilotline:sim", e.getMessage());
  }

  static Tag tag(String name, String nodeId) {
    return new Tag(name, nodeId, "bar", 100, 10, 0,
        SpecLimits.NONE, null);
  }

  @Test
  void finishedCellsAreWrittenToTheGroundTruth() throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (sim.cellsFinished() < 2 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(50_000_000L);
    }
    long finished = sim.cellsFinished();
    assertTrue(finished >= 2, "finished " + finished);
    List<String> rows = Files.readAllLines(groundTruth);
    assertEquals(GroundTruthWriter.HEADER, rows.get(0));
    assertTrue(rows.size() - 1 >= 2);
    assertEquals("C-000001,good,,,,", rows.get(1));
    assertTrue(sim.valuesWritten() > 100);
  }

  interface Sink {
    void accept(DataValue v);
  }

  static void subscribe(OpcUaClient client, NodeId node, Sink sink) throws Exception {
    OpcUaSubscription sub = new OpcUaSubscription(client, 100.0);
    sub.setSubscriptionListener(new OpcUaSubscription.SubscriptionListener() {
      @Override
      public void onDataReceived(OpcUaSubscription s, List<OpcUaMonitoredItem> items, List<DataValue> values) {
        values.forEach(sink::accept);
      }
    });
    sub.create();
    OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(node);
    item.setSamplingInterval(50.0);
    item.setQueueSize(uint(10));
    sub.addMonitoredItems(new ArrayList<>(List.of(item)));
    sub.synchronizeMonitoredItems();
    assertNotNull(item.getRevisedSamplingInterval().orElse(null));
  }

  static DataValue readUntilGood(OpcUaClient client, NodeId node) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    DataValue v;
    do {
      v = client.readValue(0, TimestampsToReturn.Both, node);
    } while (!v.statusCode().isGood() && System.nanoTime() < deadline);
    assertTrue(v.statusCode().isGood(), node + ": " + v.statusCode());
    return v;
  }
}
