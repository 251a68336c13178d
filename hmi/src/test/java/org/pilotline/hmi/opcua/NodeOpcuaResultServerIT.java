package org.pilotline.hmi.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pilotline.acquisition.config.ApplicationConfig;
import org.pilotline.acquisition.config.LineLoader;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.opcua.security.Pki;
import org.pilotline.acquisition.testing.AcquisitionHarness;
import org.pilotline.acquisition.testing.NodeOpcuaFixture;
import org.pilotline.acquisition.testing.NodeOpcuaTestClient;
import org.pilotline.acquisition.testing.TestDatabase;
import org.pilotline.acquisition.testing.TestLines;
import org.pilotline.analytics.Addresses;
import org.pilotline.analytics.anomaly.Anomaly;
import org.pilotline.analytics.anomaly.AnomalyJson;
import org.pilotline.analytics.anomaly.CellVerdict;
import org.pilotline.analytics.anomaly.JdbcAnomalyLedger;
import org.pilotline.analytics.model.Contribution;
import org.pilotline.hmi.auth.JdbcUserStore;
import org.pilotline.hmi.auth.PasswordHash;
import org.pilotline.hmi.auth.Role;
import org.pilotline.hmi.auth.UserStore;

/**
 * Interop with a third-party client: node-opcua {@value NodeOpcuaFixture#NODE_OPCUA_VERSION}
 * ({@code client.js}, in its own process, as an MES would be) against the result server, over
 * Aes256_Sha256_RsaPss and Basic256Sha256 SignAndEncrypt with users from the real user store. It
 * reads and subscribes to verdicts, and calls AcknowledgeAnomaly as an engineer (Good, the ledger
 * says so) and as an operator (Bad_UserAccessDenied, the anomaly stays open). Each side trusts
 * the other's certificate explicitly.
 *
 * <p>Skipped where Node.js or the fixture's packages are missing, failed instead on CI: see
 * {@link NodeOpcuaFixture}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NodeOpcuaResultServerIT {
  private static final String VERDICT_CELL = ResultServer.nodeIdText("Line/LatestVerdict/CellId");
  private static final String VERDICT = ResultServer.nodeIdText("Line/LatestVerdict/Verdict");
  private static final String VERDICT_SCORE = ResultServer.nodeIdText("Line/LatestVerdict/Score");
  private static final String VERDICT_ANOMALY = ResultServer.nodeIdText("Line/LatestVerdict/AnomalyId");
  private static final String ANOMALIES = ResultServer.nodeIdText(ResultNamespace.ANOMALIES);
  private static final String ACKNOWLEDGE = ResultServer.nodeIdText(ResultNamespace.METHOD);
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static Path root;
  private static TestDatabase.Schema schema;
  private static JdbcAnomalyLedger ledger;
  private static Vertx vertx;
  private static ResultServer server;
  private static Line line;
  private static NodeOpcuaTestClient engineer;
  private static NodeOpcuaTestClient operator;
  private static NodeOpcuaTestClient engineerOverBasic256;
  private static int cells;

  @BeforeAll
  static void start() throws Exception {
    NodeOpcuaFixture.assumeInstalled();
    root = Files.createTempDirectory("pilotline-node-opcua-result-it");
    schema = TestDatabase.createMigratedSchema("nodeopcua_result");
    ledger = new JdbcAnomalyLedger(schema.dataSource());
    // Few iterations: every client.js run logs in anew; the hashing is PasswordHashTest's business.
    UserStore users = new JdbcUserStore(schema.dataSource(), PasswordHash.withIterations(10_000));
    UserStore.Actor setup = new UserStore.Actor("it-setup", "test");
    String engineerPassword = freshPassword();
    String operatorPassword = freshPassword();
    users.add("erin", engineerPassword.toCharArray(), Set.of(Role.ENGINEER), setup);
    users.add("oscar", operatorPassword.toCharArray(), Set.of(Role.OPERATOR), setup);

    // The client's certificate goes into the result server's trusted folder before it starts.
    Path serverPki = root.resolve("result-pki");
    Path clientPki = root.resolve("client-pki");
    NodeOpcuaTestClient certificateOnly =
        new NodeOpcuaTestClient(null, "None", "None", null, null, clientPki, null);
    certificateOnly.exportCertificate(Pki.open(serverPki).trustedCerts().resolve("node-opcua-client.der"));

    line = LineLoader.load(TestLines.configDir().resolve("line.yaml"));
    ApplicationConfig.ResultServer config = new ApplicationConfig.ResultServer(true, "127.0.0.1", "", 0,
        "/pilotline", serverPki, List.of("Basic256Sha256", "Aes256_Sha256_RsaPss"), List.of("SignAndEncrypt"),
        false, false, 20);
    vertx = Vertx.vertx();
    server = new ResultServer(config, line, ledger, users, Map::of, Clock.systemUTC());
    vertx.deployVerticle(server).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

    Path serverCertificate = Pki.open(serverPki).certificateFile();
    String url = server.endpointUrls().get(0);
    engineer = new NodeOpcuaTestClient(url, "Aes256_Sha256_RsaPss", "SignAndEncrypt", "erin", engineerPassword,
        clientPki, serverCertificate);
    engineerOverBasic256 = new NodeOpcuaTestClient(url, "Basic256Sha256", "SignAndEncrypt", "erin",
        engineerPassword, clientPki, serverCertificate);
    operator = new NodeOpcuaTestClient(url, "Aes256_Sha256_RsaPss", "SignAndEncrypt", "oscar", operatorPassword,
        clientPki, serverCertificate);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
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

  private static String freshPassword() {
    byte[] secret = new byte[12];
    new SecureRandom().nextBytes(secret);
    return HexFormat.of().formatHex(secret);
  }

  /** A recorded NOK verdict with its anomaly, published as the scorer would. */
  private static synchronized Anomaly publishNokVerdict(String cellPrefix) {
    String cell = cellPrefix + "-" + (++cells);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Anomaly anomaly = ledger.record(Anomaly.openOnCell(cell, "PCA", 3, now, 12.5, 4.0,
        List.of(new Contribution("press.peak", 9.0), new Contribution("formation.ce", 1.0))));
    CellVerdict verdict = new CellVerdict(cell, now, now, false, "PCA", 3, 12.5, 4.0, "press.peak",
        anomaly.id(), line.route());
    ledger.recordVerdict(verdict);
    vertx.eventBus().publish(Addresses.ANOMALIES, AnomalyJson.toJson(anomaly));
    vertx.eventBus().publish(Addresses.VERDICTS, AnomalyJson.toJson(verdict));
    return anomaly;
  }

  private static JsonObject single(NodeOpcuaTestClient.Result r) {
    assertEquals(0, r.exitCode(), r.toString());
    return r.results().get(0);
  }

  @Test
  void nodeOpcuaReadsTheLatestVerdictOverBothPoliciesAndBrowsesTheOpenAnomaly() throws Exception {
    Anomaly anomaly = publishNokVerdict("READ");
    for (NodeOpcuaTestClient client : List.of(engineer, engineerOverBasic256)) {
      List<JsonObject> values = new ArrayList<>();
      boolean seen = AcquisitionHarness.waitFor(WAIT, () -> {
        NodeOpcuaTestClient.Result r = client.run("read", VERDICT_CELL, VERDICT, VERDICT_SCORE, VERDICT_ANOMALY);
        values.clear();
        values.addAll(r.results());
        return r.exitCode() == 0 && anomaly.subjectId().equals(r.results().get(0).getValue("value"));
      });
      assertTrue(seen, client.policy() + ": latest verdict not read as " + anomaly.subjectId() + ": " + values);
      assertEquals("NOK", values.get(1).getString("value"));
      assertEquals("String", values.get(1).getString("dataType"));
      assertEquals(12.5, values.get(2).getDouble("value"));
      assertEquals("Double", values.get(2).getString("dataType"));
      assertEquals("Int64", values.get(3).getString("dataType"));
      assertEquals(anomaly.id(), int64(values.get(3).getValue("value")), values.get(3).encode());
    }
    // The anomaly came before its verdict on the bus, so its object exists by now.
    NodeOpcuaTestClient.Result browsed = operator.run("browse", ANOMALIES);
    assertEquals(0, browsed.exitCode(), browsed.toString());
    assertTrue(browsed.results().stream().anyMatch(j -> j.getString("nodeId").endsWith(";s=Anomalies/" + anomaly.id())),
        "no Anomalies/" + anomaly.id() + " in " + browsed.results());
  }

  @Test
  void nodeOpcuaSubscriptionSeesNewVerdicts() throws Exception {
    CompletableFuture<NodeOpcuaTestClient.Result> subscription =
        CompletableFuture.supplyAsync(() -> operator.run("subscribe", VERDICT_CELL, "8"));
    // Published until the subscription ends: whenever it became active, it sees several.
    Set<String> published = new LinkedHashSet<>();
    while (!subscription.isDone()) {
      published.add(publishNokVerdict("SUB").subjectId());
      try {
        subscription.get(700, TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillSubscribed) {
        // the next verdict
      }
    }
    NodeOpcuaTestClient.Result r = subscription.get(30, TimeUnit.SECONDS);
    assertEquals(0, r.exitCode(), r.toString());
    List<String> notified = r.results().stream().filter(j -> j.containsKey("value"))
        .filter(j -> "Good".equals(j.getString("status"))).map(j -> String.valueOf(j.getValue("value"))).toList();
    List<String> ours = notified.stream().filter(published::contains).distinct().toList();
    assertTrue(ours.size() >= 3, "node-opcua saw " + notified + " of " + published);
    assertTrue(r.results().get(r.results().size() - 1).getBoolean("done"), r.toString());
  }

  @Test
  void engineerAcknowledgesThroughNodeOpcua() throws Exception {
    Anomaly anomaly = publishNokVerdict("ACK");
    NodeOpcuaTestClient.Result r = engineer.run("call", ANOMALIES, ACKNOWLEDGE, "Int64:" + anomaly.id(),
        "String:seal replaced");
    assertEquals("Good", single(r).getString("status"), r.toString());
    Anomaly acknowledged = ledger.find(anomaly.id()).orElseThrow();
    assertEquals(Anomaly.State.ACKNOWLEDGED, acknowledged.state());
    assertEquals("erin", acknowledged.acknowledgedBy());
    assertEquals("seal replaced", acknowledged.comment());
    try (Connection c = schema.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("select actor, channel from audit_log where subject = ?")) {
      ps.setString(1, "anomaly:" + anomaly.id());
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "audit row");
        assertEquals("erin", rs.getString(1));
        assertEquals("opcua", rs.getString(2));
      }
    }
  }

  @Test
  void operatorIsRefusedWithBadUserAccessDeniedAndTheAnomalyStaysOpen() throws Exception {
    Anomaly anomaly = publishNokVerdict("DENY");
    NodeOpcuaTestClient.Result r = operator.run("call", ANOMALIES, ACKNOWLEDGE, "Int64:" + anomaly.id(),
        "String:not mine to close");
    assertEquals(1, r.exitCode(), r.toString());
    assertEquals("BadUserAccessDenied", r.failureStatus(), r.toString());
    assertEquals(Anomaly.State.OPEN, ledger.find(anomaly.id()).orElseThrow().state());
  }

  /** client.js prints 64-bit integers as decimal strings. */
  private static long int64(Object value) {
    return Long.parseLong(String.valueOf(value));
  }
}
