package org.pilotline.hmi.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.SignedIdentityToken;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.AnonymousIdentityToken;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.SignatureData;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pilotline.acquisition.Addresses;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.config.ApplicationConfig;
import org.pilotline.acquisition.line.CellEvent;
import org.pilotline.acquisition.line.EndpointSecurity;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.SpecLimits;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.line.TagStatus;
import org.pilotline.acquisition.line.UnitKind;
import org.pilotline.acquisition.line.UnitNode;
import org.pilotline.acquisition.line.UnitRole;
import org.pilotline.acquisition.opcua.security.Pki;
import org.pilotline.acquisition.opcua.security.PkiCommand;
import org.pilotline.acquisition.testing.TestDatabase;
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
 * The result server against a real Milo client over Basic256Sha256/SignAndEncrypt and a real
 * PostgreSQL: users from the user store, verdicts and anomalies from the event bus and the ledger,
 * the acknowledgement written to the ledger and the audit log. RSA keys are made once per class.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResultServerIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String ENGINEER = "erin";
  private static final String ENGINEER_PASSWORD = "erin-s3cret-pw";
  private static final String OPERATOR = "otto";
  private static final String OPERATOR_PASSWORD = "otto-s3cret-pw";
  private static final String CLIENT_URI = "urn:pilotline:test:mes";

  private static TestDatabase.Schema schema;
  private static JdbcAnomalyLedger ledger;
  private static JdbcUserStore users;
  private static Vertx vertx;
  private static ResultServer server;
  private static Path root;
  private static Path serverPki;
  private static KeyPair clientKeys;
  private static X509Certificate clientCertificate;
  private static X509Certificate serverCertificate;
  private static Anomaly preexisting;
  private static final Map<String, TagStatus> statuses = new ConcurrentHashMap<>();
  private static final List<OpcUaClient> clients = new ArrayList<>();

  private static Line line() {
    Tag speed = new Tag("speed", "ns=2;s=speed", "m/min", 100, 10, 0, SpecLimits.NONE, null);
    Tag ocv = new Tag("ocv", "ns=2;s=ocv", "V", 100, 10, 0, SpecLimits.NONE, null);
    Tag acir = new Tag("acir", "ns=2;s=acir", "mOhm", 100, 10, 0, SpecLimits.NONE, null);
    Equipment coater = new Equipment("coater", "opc.tcp://127.0.0.1:1/c", EndpointSecurity.NONE, 100,
        List.of(speed), List.of(new UnitNode("current", "ns=2;s=cell", UnitKind.CELL, UnitRole.PROCESS)));
    Equipment tester = new Equipment("tester", "opc.tcp://127.0.0.1:1/t", EndpointSecurity.NONE, 100,
        List.of(ocv, acir), List.of());
    return new Line("it", List.of(new Station("coating", "Coating", List.of(coater)),
        new Station("eol", "End of line", List.of(tester))));
  }

  @BeforeAll
  static void start() throws Exception {
    schema = TestDatabase.createMigratedSchema("result_server");
    ledger = new JdbcAnomalyLedger(schema.dataSource());
    // Few iterations: the hashing is PasswordHashTest's business, logins here should be quick.
    users = new JdbcUserStore(schema.dataSource(), PasswordHash.withIterations(10_000));
    UserStore.Actor admin = new UserStore.Actor("it", "cli");
    users.add(ENGINEER, ENGINEER_PASSWORD.toCharArray(), EnumSet.of(Role.ENGINEER, Role.OPERATOR), admin);
    users.add(OPERATOR, OPERATOR_PASSWORD.toCharArray(), EnumSet.of(Role.OPERATOR), admin);
    users.add("gone", "gone-s3cret-pw".toCharArray(), EnumSet.of(Role.ENGINEER), admin);
    users.setDisabled("gone", true, admin);
    preexisting = ledger.record(anomaly("C-before-start", Instant.now().minusSeconds(60)));

    root = Files.createTempDirectory("pilotline-result-server-it");
    serverPki = root.resolve("pki-server");
    clientKeys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    clientCertificate = new SelfSignedCertificateBuilder(clientKeys)
        .setCommonName("mes test client").setApplicationUri(CLIENT_URI).addDnsName("localhost").build();
    Pki pki = Pki.open(serverPki);
    Files.write(pki.trustedCerts().resolve("mes.der"), clientCertificate.getEncoded());

    statuses.put("coating/coater/speed", new TagStatus("coating/coater/speed", true, ""));
    statuses.put("coating/coater/unit/current", new TagStatus("coating/coater/unit/current", true, ""));
    statuses.put("eol/tester/ocv", new TagStatus("eol/tester/ocv", true, ""));
    statuses.put("eol/tester/acir", new TagStatus("eol/tester/acir", false, "BadNodeIdUnknown"));

    vertx = Vertx.vertx();
    LocalCodecs.register(vertx.eventBus());
    server = new ResultServer(config(false), line(), ledger, users, () -> Map.copyOf(statuses), Clock.systemUTC());
    // Generous: the first start makes an RSA key, slow on a busy 2-core machine.
    vertx.deployVerticle(server).toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    serverCertificate = Pki.readCertificateFile(pki.certificateFile());
  }

  private static ApplicationConfig.ResultServer config(boolean allowNone) {
    return new ApplicationConfig.ResultServer(true, "127.0.0.1", "", 0, "/pilotline", serverPki,
        List.of("Basic256Sha256", "Aes256_Sha256_RsaPss"), List.of("SignAndEncrypt"), allowNone, false, 10);
  }

  @AfterAll
  static void stop() throws Exception {
    for (OpcUaClient c : clients) {
      try {
        c.disconnect();
      } catch (Exception ignored) {
        // a refused client has nothing to close
      }
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    if (schema != null) {
      TestDatabase.dropSchema(schema);
    }
    if (root != null) {
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Anomaly anomaly(String cell, Instant at) {
    return Anomaly.openOnCell(cell, "PCA", 3, at.truncatedTo(ChronoUnit.MILLIS), 12.5, 4.0,
        List.of(new Contribution("coating.speed", 7.5), new Contribution("eol.ocv", 1.0)));
  }

  private static OpcUaClient connect(IdentityProvider identity) throws Exception {
    return connect(identity, clientKeys, clientCertificate, SecurityPolicy.Basic256Sha256);
  }

  private static OpcUaClient connect(IdentityProvider identity, KeyPair keys, X509Certificate certificate,
      SecurityPolicy policy) throws Exception {
    MemoryTrustListManager trust = new MemoryTrustListManager();
    trust.addTrustedCertificate(serverCertificate);
    OpcUaClient client = OpcUaClient.create(server.endpointUrls().get(0),
        endpoints -> endpoints.stream()
            .filter(e -> policy.getUri().equals(e.getSecurityPolicyUri())
                && e.getSecurityMode() == MessageSecurityMode.SignAndEncrypt)
            .findFirst(),
        transport -> {},
        cfg -> cfg.setApplicationName(LocalizedText.english("mes test client"))
            .setApplicationUri(CLIENT_URI)
            .setKeyPair(keys)
            .setCertificate(certificate)
            .setCertificateChain(new X509Certificate[] {certificate})
            .setCertificateValidator(new DefaultClientCertificateValidator(trust, new MemoryCertificateQuarantine()))
            .setIdentityProvider(identity));
    clients.add(client);
    client.connect();
    return client;
  }

  private static OpcUaClient engineer() throws Exception {
    return connect(new UsernameProvider(ENGINEER, ENGINEER_PASSWORD));
  }

  private static NodeId node(OpcUaClient client, String path) throws UaException {
    return ExpandedNodeId.parse(ResultServer.nodeIdText(path)).toNodeId(client.getNamespaceTable()).orElseThrow();
  }

  /** Reads a node until its value passes, or fails after {@link #WAIT}. */
  private static DataValue awaitValue(OpcUaClient client, String path, Predicate<Object> until) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    DataValue last = null;
    while (System.nanoTime() < deadline) {
      last = client.readValue(0, TimestampsToReturn.Both, node(client, path));
      if (last.statusCode().isGood() && until.test(last.value().value())) {
        return last;
      }
      TimeUnit.MILLISECONDS.sleep(50); // a poll interval, bounded by the deadline
    }
    throw new AssertionError(path + " did not reach the expected value within " + WAIT + "; last: " + last);
  }

  private static CellVerdict verdict(String cell, boolean ok, Long anomalyId, List<String> stations) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return new CellVerdict(cell, now.minusSeconds(1), now, ok, "PCA", 3, ok ? 1.5 : 12.5, 4.0,
        ok ? null : "coating.speed", anomalyId, stations);
  }

  private static CallMethodResult acknowledge(OpcUaClient client, Object id, String comment) throws Exception {
    CallMethodRequest request = new CallMethodRequest(node(client, ResultNamespace.ANOMALIES),
        node(client, ResultNamespace.METHOD), new Variant[] {new Variant(id), new Variant(comment)});
    return client.call(List.of(request)).getResults()[0];
  }

  private static Anomaly publishedAnomaly(String cell) {
    Anomaly a = ledger.record(anomaly(cell, Instant.now()));
    vertx.eventBus().publish(org.pilotline.analytics.Addresses.ANOMALIES, AnomalyJson.toJson(a));
    return a;
  }

  private static Predicate<Object> containsId(long id) {
    return v -> Stream.of((Long[]) v).anyMatch(x -> x == id);
  }

  @Test
  void engineerReadsTheLatestVerdictOfEveryStationOnTheCellsRoute() throws Exception {
    OpcUaClient client = engineer();
    CellVerdict v = verdict("C-read-1", false, 41L, List.of("coating", "eol"));
    vertx.eventBus().publish(org.pilotline.analytics.Addresses.VERDICTS, AnomalyJson.toJson(v));

    for (String base : List.of("Line/Stations/coating/LatestVerdict", "Line/Stations/eol/LatestVerdict",
        "Line/LatestVerdict")) {
      awaitValue(client, base + "/CellId", "C-read-1"::equals);
      assertEquals("NOK", client.readValue(0, TimestampsToReturn.Both, node(client, base + "/Verdict")).value().value());
      assertEquals(12.5, client.readValue(0, TimestampsToReturn.Both, node(client, base + "/Score")).value().value());
      assertEquals("coating.speed",
          client.readValue(0, TimestampsToReturn.Both, node(client, base + "/TopCause")).value().value());
      assertEquals(41L, client.readValue(0, TimestampsToReturn.Both, node(client, base + "/AnomalyId")).value().value());
      assertEquals(new DateTime(v.scoredAt()),
          client.readValue(0, TimestampsToReturn.Both, node(client, base + "/At")).value().value());
    }
  }

  @Test
  void subscriberToAVerdictVariableReceivesTheNextCell() throws Exception {
    OpcUaClient client = engineer();
    BlockingQueue<DataValue> received = new LinkedBlockingQueue<>();
    OpcUaSubscription subscription = new OpcUaSubscription(client, 100);
    subscription.setSubscriptionListener(new OpcUaSubscription.SubscriptionListener() {
      @Override
      public void onDataReceived(OpcUaSubscription s, List<OpcUaMonitoredItem> items, List<DataValue> values) {
        received.addAll(values);
      }
    });
    subscription.create();
    OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(node(client, "Line/Stations/coating/LatestVerdict/CellId"));
    item.setSamplingInterval(50);
    subscription.addMonitoredItem(item);
    subscription.synchronizeMonitoredItems();

    vertx.eventBus().publish(org.pilotline.analytics.Addresses.VERDICTS,
        AnomalyJson.toJson(verdict("C-sub-1", true, null, List.of("coating"))));

    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      DataValue dv = received.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (dv == null) {
        throw new AssertionError("no notification with C-sub-1 within " + WAIT);
      }
      if ("C-sub-1".equals(dv.value().value())) {
        break;
      }
    }
    subscription.delete();
  }

  @Test
  void openAnomaliesFromTheLedgerAreShownAtStartAndNewOnesFromTheBus() throws Exception {
    OpcUaClient client = engineer();
    awaitValue(client, "Anomalies/OpenIds", containsId(preexisting.id()));
    assertEquals("C-before-start",
        client.readValue(0, TimestampsToReturn.Both, node(client, "Anomalies/" + preexisting.id() + "/Cell")).value().value());

    Anomaly fresh = publishedAnomaly("C-bus-1");
    awaitValue(client, "Anomalies/OpenIds", containsId(fresh.id()));
    String base = "Anomalies/" + fresh.id();
    assertEquals(fresh.id(), client.readValue(0, TimestampsToReturn.Both, node(client, base + "/Id")).value().value());
    assertEquals(12.5, client.readValue(0, TimestampsToReturn.Both, node(client, base + "/Score")).value().value());
    assertEquals("coating.speed",
        client.readValue(0, TimestampsToReturn.Both, node(client, base + "/TopCause")).value().value());
    assertEquals("PCA v3", client.readValue(0, TimestampsToReturn.Both, node(client, base + "/Model")).value().value());
    assertEquals(new DateTime(fresh.detectedAt()),
        client.readValue(0, TimestampsToReturn.Both, node(client, base + "/DetectedAt")).value().value());
  }

  @Test
  void engineerAcknowledgesAnAnomalyOnceWithAnAuditRow() throws Exception {
    OpcUaClient client = engineer();
    Anomaly a = publishedAnomaly("C-ack-1");
    awaitValue(client, "Anomalies/OpenIds", containsId(a.id()));
    BlockingQueue<JsonObject> acknowledged = new LinkedBlockingQueue<>();
    vertx.eventBus().<JsonObject>consumer(org.pilotline.analytics.Addresses.ACKNOWLEDGED, m -> acknowledged.add(m.body()))
        .completion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

    CallMethodResult result = acknowledge(client, a.id(), "coater speed loop retuned");

    assertEquals(StatusCode.GOOD, result.getStatusCode());
    Anomaly stored = ledger.find(a.id()).orElseThrow();
    assertEquals(Anomaly.State.ACKNOWLEDGED, stored.state());
    assertEquals(ENGINEER, stored.acknowledgedBy());
    assertEquals("coater speed loop retuned", stored.comment());
    try (Connection c = schema.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "select actor, channel, action, detail->>'comment' from audit_log where subject = ?")) {
      ps.setString(1, "anomaly:" + a.id());
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "no audit row");
        assertEquals(List.of(ENGINEER, "opcua", "anomaly.acknowledge", "coater speed loop retuned"),
            List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
        assertFalse(rs.next(), "more than one audit row");
      }
    }
    JsonObject message = acknowledged.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertEquals(a.id(), AnomalyJson.anomaly(message).id());
    awaitValue(client, "Anomalies/OpenIds", containsId(a.id()).negate());

    // A retry (the MES did not see the answer) is told it is done already, and changes nothing.
    assertEquals(new StatusCode(StatusCodes.Bad_InvalidState), acknowledge(client, a.id(), "again").getStatusCode());
    assertEquals("coater speed loop retuned", ledger.find(a.id()).orElseThrow().comment());
  }

  @Test
  void acknowledgingAnUnknownIdIsBadNotFound() throws Exception {
    assertEquals(new StatusCode(StatusCodes.Bad_NotFound),
        acknowledge(engineer(), 987_654_321L, "no such").getStatusCode());
  }

  @Test
  void operatorCallGetsBadUserAccessDeniedAndTheAnomalyStaysOpen() throws Exception {
    Anomaly a = publishedAnomaly("C-op-1");
    OpcUaClient operator = connect(new UsernameProvider(OPERATOR, OPERATOR_PASSWORD));

    CallMethodResult result = acknowledge(operator, a.id(), "not mine to close");

    assertEquals(new StatusCode(StatusCodes.Bad_UserAccessDenied), result.getStatusCode());
    assertEquals(Anomaly.State.OPEN, ledger.find(a.id()).orElseThrow().state());
    // An operator still reads everything.
    awaitValue(operator, "Anomalies/OpenIds", containsId(a.id()));
  }

  @Test
  void anonymousLoginIsRefused() {
    UaException e = assertThrows(UaException.class, () -> connect(AnonymousProvider.INSTANCE));
    assertTrue(e.getStatusCode().isBad(), e.toString());
  }

  // The client library refuses by itself when no anonymous policy is offered; this sends the token
  // anyway, so that the refusal is the server's.
  @Test
  void anonymousTokenSentAnywayIsRefusedByTheServer() {
    IdentityProvider forced = (endpoint, nonce) ->
        new SignedIdentityToken(new AnonymousIdentityToken("anonymous"), new SignatureData(null, null));
    UaException e = assertThrows(UaException.class, () -> connect(forced));
    assertTrue(Set.of(StatusCodes.Bad_IdentityTokenInvalid, StatusCodes.Bad_IdentityTokenRejected)
        .contains(e.getStatusCode().getValue()), e.toString());
  }

  @Test
  void wrongPasswordIsRefused() {
    UaException e = assertThrows(UaException.class, () -> connect(new UsernameProvider(ENGINEER, "not-the-password")));
    assertEquals(new StatusCode(StatusCodes.Bad_UserAccessDenied), e.getStatusCode());
  }

  @Test
  void disabledUserIsRefusedWithTheRightPassword() {
    UaException e = assertThrows(UaException.class, () -> connect(new UsernameProvider("gone", "gone-s3cret-pw")));
    assertEquals(new StatusCode(StatusCodes.Bad_UserAccessDenied), e.getStatusCode());
  }

  @Test
  void onlySignAndEncryptEndpointsAreOfferedByDefault() throws Exception {
    List<EndpointDescription> endpoints =
        DiscoveryClient.getEndpoints(server.endpointUrls().get(0)).get(10, TimeUnit.SECONDS);
    assertEquals(Set.of(SecurityPolicy.Basic256Sha256.getUri(), SecurityPolicy.Aes256_Sha256_RsaPss.getUri()),
        Set.copyOf(endpoints.stream().map(EndpointDescription::getSecurityPolicyUri).toList()));
    assertTrue(endpoints.stream().allMatch(e -> e.getSecurityMode() == MessageSecurityMode.SignAndEncrypt));
    assertTrue(endpoints.stream().flatMap(e -> Stream.of(e.getUserIdentityTokens()))
        .noneMatch(t -> t.getTokenType() == org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType.Anonymous));
  }

  // None is off unless configured; when it is, the password must still not travel in clear.
  @Test
  void allowNoneAddsANoneEndpointWhoseUserTokenIsStillEncrypted() throws Exception {
    ResultServer withNone = new ResultServer(config(true), line(), ledger, users, Map::of, Clock.systemUTC());
    String deployment = vertx.deployVerticle(withNone).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    try {
      String url = withNone.endpointUrls().get(0);
      EndpointDescription none = DiscoveryClient.getEndpoints(url).get(10, TimeUnit.SECONDS).stream()
          .filter(e -> SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri())).findFirst().orElseThrow();
      assertEquals(List.of(SecurityPolicy.Basic256Sha256.getUri()),
          Stream.of(none.getUserIdentityTokens()).map(t -> t.getSecurityPolicyUri()).toList());

      OpcUaClient client = OpcUaClient.create(url,
          endpoints -> endpoints.stream().filter(e -> SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri()))
              .findFirst(),
          transport -> {},
          cfg -> cfg.setApplicationName(LocalizedText.english("none client")).setApplicationUri(CLIENT_URI)
              .setIdentityProvider(new UsernameProvider(ENGINEER, ENGINEER_PASSWORD)));
      clients.add(client);
      client.connect();
      assertTrue(client.readValue(0, TimestampsToReturn.Both, node(client, "Anomalies/Count")).statusCode().isGood());
    } finally {
      vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aes256RsaPssEndpointWorksToo() throws Exception {
    OpcUaClient client = connect(new UsernameProvider(ENGINEER, ENGINEER_PASSWORD), clientKeys, clientCertificate,
        SecurityPolicy.Aes256_Sha256_RsaPss);
    assertTrue(client.readValue(0, TimestampsToReturn.Both, node(client, "Anomalies/Count")).statusCode().isGood());
  }

  @Test
  void untrustedClientIsRefusedUntilTrustedWithPkiTrustWhileTheServerRuns() throws Exception {
    KeyPair strangerKeys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    X509Certificate stranger = new SelfSignedCertificateBuilder(strangerKeys)
        .setCommonName("stranger").setApplicationUri(CLIENT_URI).build();

    assertThrows(UaException.class, () -> connect(new UsernameProvider(ENGINEER, ENGINEER_PASSWORD), strangerKeys,
        stranger, SecurityPolicy.Basic256Sha256));

    assertTrue(Pki.open(serverPki).rejectedCertificates().stream()
        .anyMatch(e -> e.thumbprint().equals(Pki.thumbprint(stranger))));

    // Trusted with the CLI while the server runs: the next attempt gets in, no restart.
    assertEquals(0, PkiCommand.run(new String[] {"trust", Pki.thumbprint(stranger).substring(0, 12), "--dir",
        serverPki.toString()}, System.out, System.err));
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try {
        OpcUaClient client = connect(new UsernameProvider(ENGINEER, ENGINEER_PASSWORD), strangerKeys, stranger,
            SecurityPolicy.Basic256Sha256);
        assertTrue(client.readValue(0, TimestampsToReturn.Both, node(client, "Anomalies/Count")).statusCode().isGood());
        break;
      } catch (UaException e) {
        // The trust list is reloaded by a file watcher, a moment after the move.
        if (System.nanoTime() > deadline) {
          throw new AssertionError("still refused " + WAIT + " after pki trust", e);
        }
        TimeUnit.MILLISECONDS.sleep(200);
      }
    }
  }

  @Test
  void stationStateFollowsSubscriptionsAndTheUnitInTheStation() throws Exception {
    OpcUaClient client = engineer();
    // One of eol's two tags failed: degraded, with the reason.
    awaitValue(client, "Line/Stations/eol/State", "DEGRADED"::equals);
    assertTrue(((String) client.readValue(0, TimestampsToReturn.Both, node(client, "Line/Stations/eol/StateDetail"))
        .value().value()).contains("BadNodeIdUnknown"));

    vertx.eventBus().publish(Addresses.CELL_EVENTS, new CellEvent("coating", "coater", "current", UnitKind.CELL,
        UnitRole.PROCESS, null, "C-in-coater", Instant.now()));
    awaitValue(client, "Line/Stations/coating/CurrentUnit", "C-in-coater"::equals);
    awaitValue(client, "Line/Stations/coating/State", "PROCESSING"::equals);

    vertx.eventBus().publish(Addresses.CELL_EVENTS, new CellEvent("coating", "coater", "current", UnitKind.CELL,
        UnitRole.PROCESS, "C-in-coater", null, Instant.now()));
    awaitValue(client, "Line/Stations/coating/State", "IDLE"::equals);
  }

  @Test
  void documentedNodeIdsExistWithTheirBrowseNames() throws Exception {
    // The NodeIds in docs/OPERATIONS.md are what integrators configure: keep them.
    OpcUaClient client = engineer();
    for (String path : List.of("Line", "Line/Stations", "Line/Stations/coating", "Line/Stations/coating/State",
        "Line/Stations/coating/CurrentUnit", "Line/Stations/eol/LatestVerdict/Verdict", "Line/LatestVerdict/At",
        "Anomalies", "Anomalies/Count", "Anomalies/OpenIds", "Anomalies/AcknowledgeAnomaly")) {
      ReadValueId browseName = new ReadValueId(node(client, path), AttributeId.BrowseName.uid(), null,
          QualifiedName.NULL_VALUE);
      DataValue read = client.read(0, TimestampsToReturn.Neither, List.of(browseName)).getResults()[0];
      assertTrue(read.statusCode().isGood(), path + ": " + read.statusCode());
      assertEquals(path.substring(path.lastIndexOf('/') + 1), ((QualifiedName) read.value().value()).name());
    }
  }
}
