package org.pilotline.hmi.opcua;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.config.ApplicationConfig;
import org.pilotline.acquisition.line.EndpointSecurity;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.SpecLimits;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.line.TagStatus;
import org.pilotline.acquisition.opcua.security.Pki;
import org.pilotline.acquisition.testing.TestDatabase;
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
 * A result server with known content, for clients written in other languages (the node-opcua
 * interop test): a fresh schema in the test database, two users, one open anomaly, one verdict.
 * Prints one JSON line (endpoint, server certificate, users, ids) on stdout once it listens, then
 * runs until stdin closes or the process is stopped.
 *
 * <p>Environment: {@code RS_PORT} (default 0: a free port), {@code RS_PKI_DIR} (default: a temp
 * folder), {@code RS_TRUST_DIR} (client certificates, DER or PEM, copied to {@code trusted/certs}
 * before the start; otherwise trust a client later with {@code pki trust --dir <pkiDir>}).
 * The test database is the embedded one unless {@code pilotline.test.jdbcUrl} is set. Test code:
 * the passwords below are fixtures, printed on purpose.
 */
public final class ResultServerSandbox {
  static final String ENGINEER = "engineer";
  static final String ENGINEER_PASSWORD = "engineer-pw-1";
  static final String OPERATOR = "operator";
  static final String OPERATOR_PASSWORD = "operator-pw-1";

  private ResultServerSandbox() {}

  public static void main(String[] args) throws Exception {
    TestDatabase.Schema schema = TestDatabase.createMigratedSchema("result_sandbox");
    JdbcAnomalyLedger ledger = new JdbcAnomalyLedger(schema.dataSource());
    JdbcUserStore users = new JdbcUserStore(schema.dataSource(), PasswordHash.withIterations(10_000));
    UserStore.Actor actor = new UserStore.Actor("sandbox", "cli");
    users.add(ENGINEER, ENGINEER_PASSWORD.toCharArray(), EnumSet.of(Role.ENGINEER), actor);
    users.add(OPERATOR, OPERATOR_PASSWORD.toCharArray(), EnumSet.of(Role.OPERATOR), actor);
    Anomaly open = ledger.record(Anomaly.openOnCell("C-SANDBOX-1", "PCA", 1,
        Instant.now().truncatedTo(ChronoUnit.MILLIS), 9.5, 4.0, List.of(new Contribution("coating.speed", 6.0))));

    Path pkiDir = System.getenv("RS_PKI_DIR") != null ? Path.of(System.getenv("RS_PKI_DIR"))
        : Files.createTempDirectory("pilotline-result-sandbox").resolve("pki");
    Pki pki = Pki.open(pkiDir);
    if (System.getenv("RS_TRUST_DIR") != null) {
      try (Stream<Path> certs = Files.list(Path.of(System.getenv("RS_TRUST_DIR")))) {
        for (Path c : certs.filter(Files::isRegularFile).toList()) {
          Files.copy(c, pki.trustedCerts().resolve(c.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    int port = Integer.parseInt(System.getenv().getOrDefault("RS_PORT", "0"));
    ApplicationConfig.ResultServer config = new ApplicationConfig.ResultServer(true, "127.0.0.1", "", port,
        "/pilotline", pkiDir, List.of("Basic256Sha256", "Aes256_Sha256_RsaPss"), List.of("SignAndEncrypt"),
        false, false, 50);
    Tag speed = new Tag("speed", "ns=2;s=speed", "m/min", 100, 10, 0, SpecLimits.NONE, null);
    Line line = new Line("sandbox", List.of(new Station("coating", "Coating", List.of(new Equipment("coater",
        "opc.tcp://127.0.0.1:1/", EndpointSecurity.NONE, 100, List.of(speed), List.of()))),
        new Station("eol", "End of line", List.of())));
    Map<String, TagStatus> statuses = Map.of("coating/coater/speed", new TagStatus("coating/coater/speed", true, ""));

    Vertx vertx = Vertx.vertx();
    LocalCodecs.register(vertx.eventBus());
    ResultServer server = new ResultServer(config, line, ledger, users, () -> statuses, Clock.systemUTC());
    vertx.deployVerticle(server).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    vertx.eventBus().publish(Addresses.VERDICTS, AnomalyJson.toJson(new CellVerdict("C-SANDBOX-1", now.minusSeconds(1),
        now, false, "PCA", 1, 9.5, 4.0, "coating.speed", open.id(), List.of("coating", "eol"))));

    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
      TestDatabase.dropSchema(schema);
    }, "sandbox-shutdown"));
    System.out.println(new JsonObject()
        .put("endpointUrl", server.endpointUrls().get(0))
        .put("namespaceUri", ResultServer.NAMESPACE_URI)
        .put("serverCertificate", pki.certificateFile().toAbsolutePath().toString())
        .put("pkiDir", pkiDir.toAbsolutePath().toString())
        .put("securityPolicies", List.of("Basic256Sha256", "Aes256_Sha256_RsaPss"))
        .put("securityMode", "SignAndEncrypt")
        .put("engineer", new JsonObject().put("user", ENGINEER).put("password", ENGINEER_PASSWORD))
        .put("operator", new JsonObject().put("user", OPERATOR).put("password", OPERATOR_PASSWORD))
        .put("openAnomalyId", open.id())
        .put("verdictCellId", "C-SANDBOX-1")
        .encode());
    System.out.flush();
    // Runs until stdin closes (the parent test ends) or a signal stops the JVM.
    while (System.in.read() >= 0) {
      // ignore input
    }
    System.exit(0);
  }
}
