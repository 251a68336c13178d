package org.pilotline.acquisition.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pilotline.acquisition.Addresses;
import org.pilotline.acquisition.line.EndpointSecurity;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Reading;
import org.pilotline.acquisition.line.ReadingBatch;
import org.pilotline.acquisition.line.SpecLimits;
import org.pilotline.acquisition.line.Tag;
import org.pilotline.acquisition.line.UserIdentity;
import org.pilotline.acquisition.opcua.security.Pki;
import org.pilotline.acquisition.opcua.security.PkiCommand;
import org.pilotline.acquisition.store.DataGapSink;

/**
 * {@link MiloEquipmentClient} against a real Milo server with secure endpoints: the client's
 * application certificate comes from its PKI folder, the server trusts it, and the client trusts
 * the server only through that folder. RSA keys are made once for the class.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class SecurityIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String STATION = "secStation";
  private static Path root;
  private static Path trustingPki;
  private static X509Certificate serverCertificate;
  private static MiloTestServer server;
  private static MiloTestServer userServer;
  private static Path userCertificateFile;
  private static Path userKeyFile;
  private static Path passwordFile;
  private static Path wrongPasswordFile;
  private static final java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();

  @BeforeAll
  static void startServer() throws Exception {
    root = Files.createTempDirectory("pilotline-security-it");
    trustingPki = root.resolve("pki");
    X509Certificate clientCertificate =
        Pki.open(trustingPki).applicationIdentity(MiloEquipmentClient.APPLICATION_URI).certificate();
    KeyPair serverKeys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    serverCertificate = MiloTestServer.certificate(serverKeys);
    Files.write(Pki.open(trustingPki).trustedCerts().resolve("server.der"), serverCertificate.getEncoded());
    server = MiloTestServer.start(Map.of("value", NodeIds.Double), serverKeys, serverCertificate,
        List.of(clientCertificate), null, List.of());

    // The X.509 user: a key pair and certificate in files, as an integrator would hand them over.
    KeyPair userKeys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    X509Certificate userCertificate = new SelfSignedCertificateBuilder(userKeys)
        .setCommonName("operator").setApplicationUri("urn:pilotline:user:operator").build();
    userCertificateFile = root.resolve("operator.der");
    userKeyFile = root.resolve("operator.key");
    Files.write(userCertificateFile, userCertificate.getEncoded());
    Files.writeString(userKeyFile, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(userKeys.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    passwordFile = root.resolve("operator.password");
    Files.writeString(passwordFile, "s3cret\n");
    wrongPasswordFile = root.resolve("wrong.password");
    Files.writeString(wrongPasswordFile, "guess");
    // Same address space, secure endpoints for named users only: no anonymous token policy.
    userServer = MiloTestServer.start(Map.of("value", NodeIds.Double), serverKeys, serverCertificate,
        List.of(clientCertificate), Map.of("operator", "s3cret"), List.of(userCertificate));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
    if (userServer != null) {
      userServer.close();
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static Equipment equipment(String id, EndpointSecurity security) {
    return equipment(id, security, server);
  }

  private static Equipment equipment(String id, EndpointSecurity security, MiloTestServer on) {
    Tag tag = new Tag("value", MiloTestServer.nodeIdText("value"), "", 50, 10, 0, SpecLimits.NONE, null);
    return new Equipment(id, on.endpointUrl(), security, 100, List.of(tag), List.of());
  }

  private static void deploy(Vertx vertx, Equipment equipment, Path pki) throws Exception {
    MiloEquipmentClient client = new MiloEquipmentClient(equipment, STATION,
        Map.of(STATION + "/" + equipment.id() + "/value", 7), Clock.systemUTC(), DataGapSink.NONE, pki);
    vertx.deployVerticle(client).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** Writes a value and waits until the client delivers it. */
  private static void assertDataFlows(Vertx vertx, BusRecorder<Reading> readings) throws Exception {
    assertDataFlows(server, readings);
  }

  private static void assertDataFlows(MiloTestServer server, BusRecorder<Reading> readings) throws Exception {
    Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    // A new value each time: the default trigger (StatusValue) ignores a new timestamp alone.
    double value = written.incrementAndGet() + 0.5;
    server.write("value", value, t);
    Reading r = readings.await("value written at " + t, x -> x.sourceTime().equals(t), WAIT);
    assertEquals(value, r.value());
  }

  private static BusRecorder<Reading> readings(Vertx vertx) throws Exception {
    return BusRecorder.on(vertx, Addresses.READINGS, (ReadingBatch b) -> b.readings());
  }

  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({
      "None, None",
      "Basic256Sha256, Sign", "Basic256Sha256, SignAndEncrypt",
      "Aes128_Sha256_RsaOaep, Sign", "Aes128_Sha256_RsaOaep, SignAndEncrypt",
      "Aes256_Sha256_RsaPss, Sign", "Aes256_Sha256_RsaPss, SignAndEncrypt"})
  void everyPolicyAndModeConnectsAndReceivesData(String policy, String mode, Vertx vertx) throws Exception {
    BusRecorder<Reading> readings = readings(vertx);
    deploy(vertx, equipment("eq" + policy + mode, new EndpointSecurity(policy, mode)), trustingPki);
    assertDataFlows(vertx, readings);
  }

  @Test
  void untrustedServerCertificateIsRejectedUntilTrustedWithTheCli(Vertx vertx) throws Exception {
    // Same application certificate (the server trusts it), but nothing trusted yet.
    Path fresh = root.resolve("fresh-pki");
    Pki pki = Pki.open(fresh);
    Files.copy(trustingPki.resolve("own/cert.pem"), fresh.resolve("own/cert.pem"));
    Files.copy(trustingPki.resolve("own/key.pem"), fresh.resolve("own/key.pem"));
    Equipment equipment = equipment("untrusted", new EndpointSecurity("Basic256Sha256", "SignAndEncrypt"));

    ExecutionException refused = assertThrows(ExecutionException.class, () -> deploy(vertx, equipment, fresh));
    assertTrue(refused.getCause().getMessage().contains("cannot connect"), refused.getCause().getMessage());
    List<Pki.CertificateEntry> rejected = pki.rejectedCertificates();
    assertEquals(List.of(Pki.thumbprint(serverCertificate)),
        rejected.stream().map(Pki.CertificateEntry::thumbprint).toList());

    ByteArrayOutputStream listed = new ByteArrayOutputStream();
    assertEquals(0, PkiCommand.run(new String[] {"list", "--dir", fresh.toString()},
        new PrintStream(listed, true, StandardCharsets.UTF_8), System.err));
    assertTrue(listed.toString(StandardCharsets.UTF_8).contains(Pki.thumbprint(serverCertificate)), listed.toString());

    assertEquals(0, PkiCommand.run(
        new String[] {"trust", Pki.thumbprint(serverCertificate).substring(0, 8), "--dir", fresh.toString()},
        System.out, System.err));
    assertEquals(List.of(), pki.rejectedCertificates());
    assertEquals(1, pki.trusted().size());

    BusRecorder<Reading> readings = readings(vertx);
    deploy(vertx, equipment, fresh);
    assertDataFlows(vertx, readings);
  }

  @Test
  void applicationCertificateIsCreatedOnceAndReused() throws Exception {
    Pki pki = Pki.open(trustingPki);
    X509Certificate first = pki.applicationIdentity(MiloEquipmentClient.APPLICATION_URI).certificate();
    X509Certificate again = Pki.open(trustingPki).applicationIdentity(MiloEquipmentClient.APPLICATION_URI).certificate();
    assertEquals(first, again);
    assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
        Files.getPosixFilePermissions(trustingPki.resolve("own/key.pem")));
    for (String folder : List.of("own", "trusted/certs", "trusted/crls", "issuers/certs", "issuers/crls", "rejected")) {
      assertTrue(Files.isDirectory(trustingPki.resolve(folder)), folder);
    }
  }

  @Test
  void userNameWithPasswordFromAFileLogsInAndReceivesData(Vertx vertx) throws Exception {
    BusRecorder<Reading> readings = readings(vertx);
    deploy(vertx, equipment("operatorByFile", new EndpointSecurity("Aes256_Sha256_RsaPss", "SignAndEncrypt",
        new UserIdentity.UserName("operator", passwordFile, null)), userServer), trustingPki);
    assertDataFlows(userServer, readings);
  }

  @Test
  void wrongPasswordIsRefusedWithTheServersStatus(Vertx vertx) {
    Equipment equipment = equipment("wrongPassword", new EndpointSecurity("Basic256Sha256", "SignAndEncrypt",
        new UserIdentity.UserName("operator", wrongPasswordFile, null)), userServer);
    ExecutionException refused = assertThrows(ExecutionException.class, () -> deploy(vertx, equipment, trustingPki));
    String message = refused.getCause().getMessage();
    assertTrue(message.contains("Bad_UserAccessDenied") || message.contains("Bad_IdentityTokenRejected")
        || message.contains("Bad_IdentityTokenInvalid"), message);
    assertFalse(message.contains("guess"), "the password must not appear: " + message);
  }

  @Test
  void anonymousLoginOnAnEndpointWithoutAnonymousTokenIsRefused(Vertx vertx) {
    Equipment equipment = equipment("anonymous", new EndpointSecurity("Basic256Sha256", "SignAndEncrypt"), userServer);
    ExecutionException refused = assertThrows(ExecutionException.class, () -> deploy(vertx, equipment, trustingPki));
    String message = refused.getCause().getMessage();
    // The client refuses before it tries, naming what the server would accept.
    assertTrue(message.contains("no endpoint offers Basic256Sha256/SignAndEncrypt with Anonymous login"), message);
    assertTrue(message.contains("Basic256Sha256/SignAndEncrypt (UserName, Certificate)"), message);
  }

  @Test
  void x509UserCertificateLogsInAndReceivesData(Vertx vertx) throws Exception {
    BusRecorder<Reading> readings = readings(vertx);
    deploy(vertx, equipment("operatorByCertificate", new EndpointSecurity("Basic256Sha256", "Sign",
        new UserIdentity.X509(userCertificateFile, userKeyFile)), userServer), trustingPki);
    assertDataFlows(userServer, readings);
  }
}
