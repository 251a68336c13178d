package org.pilotline.acquisition.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pilotline.acquisition.line.EndpointSecurity;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.SpecLimits;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.line.TagRef;
import org.pilotline.acquisition.line.UserIdentity;
import org.pilotline.acquisition.opcua.security.Pki;
import org.pilotline.acquisition.store.DataGapSink;
import org.pilotline.acquisition.testing.AcquisitionHarness;
import org.pilotline.acquisition.testing.NodeOpcuaFixture;
import org.pilotline.acquisition.testing.NodeOpcuaTestServer;
import org.pilotline.acquisition.testing.TestDatabase;

/**
 * Interop with a third-party server: the acquisition path (MiloEquipmentClient, the COPY writer,
 * PostgreSQL) against node-opcua {@value NodeOpcuaFixture#NODE_OPCUA_VERSION}, over
 * Basic256Sha256 and Aes256_Sha256_RsaPss with SignAndEncrypt and a user name, on string,
 * numeric and GUID NodeIds of six data types. Each side trusts the other's certificate
 * explicitly; nothing is auto-accepted.
 *
 * <p>Skipped where Node.js or the fixture's packages are missing, failed instead on CI: see
 * {@link NodeOpcuaFixture}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeOpcuaInteropIT {
  private static final String STATION = "interop";
  private static final String USER = "operator";
  private static final int PERIOD_MS = 200;
  private static final int MIN_ROWS_PER_TAG = 5;
  /** Equipment id -> the security it connects with; both against the same node-opcua server. */
  private static final Map<String, String> POLICIES = Map.of(
      "basic256", "Basic256Sha256",
      "aes256pss", "Aes256_Sha256_RsaPss");

  private static Path root;
  private static Path pkiDir;
  private static Path passwordFile;
  private static NodeOpcuaTestServer server;
  private static TestDatabase.Schema schema;
  private static AcquisitionHarness acquisition;
  private static Line line;
  /** Tag key -> the OPC UA data type of its node. */
  private static final Map<String, String> dataTypes = new LinkedHashMap<>();
  /** Tag key -> the NodeId it reads. */
  private static final Map<String, String> nodeIds = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    NodeOpcuaFixture.assumeInstalled();
    root = Files.createTempDirectory("pilotline-node-opcua-it");
    pkiDir = root.resolve("pki");
    Path ownCertificate = root.resolve("acquisition.der");
    Files.write(ownCertificate,
        Pki.open(pkiDir).applicationIdentity(MiloEquipmentClient.APPLICATION_URI).certificate().getEncoded());
    // A fresh password per run: nothing in the repository logs in anywhere.
    byte[] secret = new byte[12];
    new SecureRandom().nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    passwordFile = root.resolve("operator.password");
    Files.writeString(passwordFile, password + "\n");

    server = NodeOpcuaTestServer.start(root.resolve("node-pki"), List.of(ownCertificate), USER, password, PERIOD_MS);
    Files.copy(server.certificateFile(), Pki.open(pkiDir).trustedCerts().resolve("node-opcua.der"));

    List<Equipment> equipment = new ArrayList<>();
    for (Map.Entry<String, String> e : POLICIES.entrySet()) {
      List<Tag> tags = new ArrayList<>();
      for (NodeOpcuaTestServer.Variable v : server.variables()) {
        String name = tagName(v);
        tags.add(new Tag(name, v.nodeId(), "", 50, 20, 0, SpecLimits.NONE, null));
        String key = new TagRef(STATION, e.getKey(), tags.get(tags.size() - 1)).key();
        dataTypes.put(key, v.dataType());
        nodeIds.put(key, v.nodeId());
      }
      EndpointSecurity security = new EndpointSecurity(e.getValue(), "SignAndEncrypt",
          new UserIdentity.UserName(USER, passwordFile, null));
      equipment.add(new Equipment(e.getKey(), server.endpointUrl(), security, 100, tags, List.of()));
    }
    line = new Line("node-opcua interop", List.of(new Station(STATION, "node-opcua", equipment)));
    schema = TestDatabase.createMigratedSchema("nodeopcua");
    acquisition = AcquisitionHarness.start(schema.dataSource(), line, pkiDir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (acquisition != null) {
      acquisition.close();
    }
    if (server != null) {
      server.close();
    }
    if (schema != null) {
      schema.close();
    }
    if (root != null) {
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** {@code doubleS}, {@code int32I}, {@code booleanG}: the type and the NodeId kind. */
  private static String tagName(NodeOpcuaTestServer.Variable v) {
    String type = v.dataType();
    String kind = v.nodeId().substring(v.nodeId().lastIndexOf(';') + 1, v.nodeId().lastIndexOf(';') + 2);
    return type.substring(0, 1).toLowerCase(Locale.ROOT) + type.substring(1) + kind.toUpperCase(Locale.ROOT);
  }

  @Test
  void basic256Sha256SignAndEncryptWithUserNameStoresEveryTypeAndNodeIdKindAsServed() throws Exception {
    assertStoredAsServed("basic256");
  }

  @Test
  void aes256Sha256RsaPssSignAndEncryptWithUserNameStoresEveryTypeAndNodeIdKindAsServed() throws Exception {
    assertStoredAsServed("aes256pss");
  }

  @Test
  void wrongPasswordIsRefusedByNodeOpcua() throws Exception {
    Path wrong = root.resolve("wrong.password");
    Files.writeString(wrong, "not-the-password");
    NodeOpcuaTestServer.Variable any = server.variables().get(0);
    Tag tag = new Tag("value", any.nodeId(), "", 50, 20, 0, SpecLimits.NONE, null);
    Equipment equipment = new Equipment("wrongPassword", server.endpointUrl(),
        new EndpointSecurity("Basic256Sha256", "SignAndEncrypt", new UserIdentity.UserName(USER, wrong, null)),
        100, List.of(tag), List.of());
    Vertx vertx = Vertx.vertx();
    try {
      MiloEquipmentClient client = new MiloEquipmentClient(equipment, STATION,
          Map.of(STATION + "/wrongPassword/value", 1), Clock.systemUTC(), DataGapSink.NONE, pkiDir);
      ExecutionException refused = assertThrows(ExecutionException.class,
          () -> vertx.deployVerticle(client).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
      String message = refused.getCause().getMessage();
      assertTrue(message.contains("Bad_UserAccessDenied"), message);
      assertFalse(message.contains("not-the-password"), "the password must not appear: " + message);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Every tag of the equipment gets rows; every row holds what node-opcua served on that node at
   * that source time: numbers as they are and Good, Boolean as 1/0 and Good, String as no value
   * marked Bad_TypeMismatch (DataValues keeps only numbers); and the values change, so these are
   * live notifications.
   */
  private static void assertStoredAsServed(String equipmentId) throws Exception {
    Map<Integer, String> keysById = new LinkedHashMap<>();
    line.tagRefs().filter(r -> r.equipmentId().equals(equipmentId))
        .forEach(r -> keysById.put(acquisition.tagIds().get(r.key()), r.key()));
    assertEquals(18, keysById.size());
    boolean enough = AcquisitionHarness.waitFor(Duration.ofSeconds(45),
        () -> rowCounts(keysById.keySet()).values().stream().filter(n -> n >= MIN_ROWS_PER_TAG).count()
            == keysById.size());
    Map<Integer, Integer> counts = rowCounts(keysById.keySet());
    assertTrue(enough, "tags with fewer than " + MIN_ROWS_PER_TAG + " rows after 45 s: "
        + keysById.entrySet().stream().filter(e -> counts.getOrDefault(e.getKey(), 0) < MIN_ROWS_PER_TAG)
            .map(e -> e.getValue() + "=" + counts.getOrDefault(e.getKey(), 0)).toList()
        + "; tag statuses " + acquisition.tagStatuses() + "; server output " + server.recentOutput());

    List<String> mismatches = new ArrayList<>();
    Map<Integer, Set<String>> distinct = new LinkedHashMap<>();
    int checked = 0;
    try (Connection c = schema.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "select tag_id, ts, value, quality from reading where tag_id = any(?) order by tag_id, ts")) {
      ps.setArray(1, c.createArrayOf("integer", keysById.keySet().toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          checked++;
          int tagId = rs.getInt(1);
          String key = keysById.get(tagId);
          Instant ts = rs.getObject(2, OffsetDateTime.class).toInstant();
          double value = rs.getDouble(3);
          Double stored = rs.wasNull() ? null : value;
          long quality = rs.getLong(4);
          Optional<Object> served = server.valueAt(nodeIds.get(key), ts);
          Double expected = served.map(v -> expectedStored(dataTypes.get(key), v)).orElse(null);
          String row = key + " (" + dataTypes.get(key) + ") @ " + ts + ": stored " + stored + " q=" + quality;
          if (served.isEmpty()) {
            mismatches.add(row + ", node-opcua served nothing at that time");
          } else if (quality != expectedQuality(dataTypes.get(key))
              || !java.util.Objects.equals(expected, stored)) {
            mismatches.add(row + ", node-opcua served " + served.get() + " (expected stored " + expected + ")");
          }
          distinct.computeIfAbsent(tagId, k -> new HashSet<>()).add(String.valueOf(served.orElse(null)));
        }
      }
    }
    assertEquals(List.of(), mismatches.stream().limit(20).toList(), mismatches.size() + " of " + checked + " rows differ");
    for (Map.Entry<Integer, String> e : keysById.entrySet()) {
      assertTrue(distinct.getOrDefault(e.getKey(), Set.of()).size() >= 2,
          e.getValue() + " never changed: " + distinct.get(e.getKey()));
    }
  }

  /** The status DataValues stores: Good, but a String has no number and is a type mismatch. */
  private static long expectedQuality(String dataType) {
    return "String".equals(dataType) ? org.eclipse.milo.opcua.stack.core.StatusCodes.Bad_TypeMismatch : 0L;
  }

  /** What the reading table holds for a value node-opcua served: DataValues' conversion. */
  private static Double expectedStored(String dataType, Object served) {
    return switch (dataType) {
      case "Double", "Float", "Int32", "UInt32" -> ((Number) served).doubleValue();
      case "Boolean" -> ((Boolean) served) ? 1.0 : 0.0;
      case "String" -> {
        if (!(served instanceof String)) {
          throw new IllegalStateException("a String node served " + served);
        }
        yield null;
      }
      default -> throw new IllegalStateException("unexpected data type " + dataType);
    };
  }

  private static Map<Integer, Integer> rowCounts(Set<Integer> tagIds) {
    Map<Integer, Integer> counts = new LinkedHashMap<>();
    try (Connection c = schema.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "select tag_id, count(*) from reading where tag_id = any(?) group by tag_id")) {
      ps.setArray(1, c.createArrayOf("integer", tagIds.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(rs.getInt(1), rs.getInt(2));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("counting readings: " + e.getMessage(), e);
    }
    return counts;
  }
}
