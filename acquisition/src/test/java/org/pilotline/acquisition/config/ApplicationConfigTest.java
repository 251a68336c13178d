package org.pilotline.acquisition.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pilotline.acquisition.line.ConfigException;

class ApplicationConfigTest {
  private static final String FILE = "inline/application.yaml";
  private static final Map<String, String> NONE = Map.of();

  private static ApplicationConfig parse(String yaml, Map<String, String> env, Map<String, String> props) {
    return ApplicationConfig.parse(yaml, FILE, env, props);
  }

  private static ConfigException failure(String yaml, Map<String, String> env, Map<String, String> props) {
    return assertThrows(ConfigException.class, () -> parse(yaml, env, props));
  }

  // A fault string that cannot be parsed is a configuration error at load, not a crash at start.
  @Test
  void malformedSimulatorFaultNamesFilePathAndFault() {
    ConfigException e = failure("""
        simulator:
          faults:
            - "pressureLoss start=10m"
            - "pressureLoss start=soon"
        """, NONE, NONE);
    assertEquals(FILE, e.file());
    assertEquals("simulator.faults[1]", e.path());
    assertTrue(e.getMessage().contains("pressureLoss start=soon"), e.getMessage());
  }

  @Nested
  class Defaults {
    @Test
    void shippedFileLoadsWithTheDemoValues() {
      ApplicationConfig config = ApplicationConfig.load(
          LineLoaderTest.shippedConfigDir().resolve("application.yaml"), NONE, NONE);

      assertTrue(config.database().embedded());
      assertEquals("pilotline", config.database().schema());
      assertEquals(Path.of("data/postgres"), config.database().dataDir());
      assertNull(config.database().passwordFile());
      assertEquals(new ApplicationConfig.Writer(5000, 250, 500_000), config.writer());
      assertEquals(new ApplicationConfig.Spool(true, Path.of("data/spool"), 64L << 20, 200,
          10L << 30, "dropOldest"), config.spool());
      assertEquals(new ApplicationConfig.Hmi("127.0.0.1", 8080), config.hmi());
      assertEquals(new ApplicationConfig.Simulator(true, 42, 1.0, 6.0,
          Path.of("data/ground-truth.csv"), List.of()), config.simulator());
      assertEquals(new ApplicationConfig.Opcua(Path.of("data/pki")), config.opcua());
    }

    // The file documents the defaults; the two must not drift apart.
    @Test
    void shippedFileRepeatsTheBuiltInDefaults() {
      assertEquals(ApplicationConfig.defaults(), ApplicationConfig.load(
          LineLoaderTest.shippedConfigDir().resolve("application.yaml"), NONE, NONE));
    }

    @Test
    void emptyFileMeansAllDefaults() {
      assertEquals(ApplicationConfig.defaults(), parse("# nothing\n", NONE, NONE));
    }

    @Test
    void partialSectionKeepsTheOtherDefaults() {
      ApplicationConfig config = parse("hmi:\n  port: 9000\n", NONE, NONE);
      assertEquals(new ApplicationConfig.Hmi("127.0.0.1", 9000), config.hmi());
      assertEquals(ApplicationConfig.defaults().writer(), config.writer());
    }

    @Test
    void faultStringsAreKeptAsWritten() {
      ApplicationConfig config = parse("""
          simulator:
            faults:
              - "rollWear start=10m ramp=30m"
              - channelFault channel=3 start=15m
          """, NONE, NONE);
      assertEquals(List.of("rollWear start=10m ramp=30m", "channelFault channel=3 start=15m"),
          config.simulator().faults());
    }
  }

  @Nested
  class Overrides {
    @Test
    void environmentWinsOverTheFile() {
      ApplicationConfig config = parse("database:\n  url: \"\"\nwriter:\n  batchRows: 100\n",
          Map.of("PILOTLINE_DATABASE_URL", "jdbc:postgresql://db:5432/line",
              "PILOTLINE_WRITER_BATCH_ROWS", "2000"),
          NONE);
      assertEquals("jdbc:postgresql://db:5432/line", config.database().url());
      assertFalse(config.database().embedded());
      assertEquals(2000, config.writer().batchRows());
    }

    @Test
    void systemPropertyWinsOverEnvironmentAndFile() {
      ApplicationConfig config = parse("hmi:\n  port: 8000\n",
          Map.of("PILOTLINE_HMI_PORT", "8081"), Map.of("pilotline.hmi.port", "9090"));
      assertEquals(9090, config.hmi().port());
    }

    @Test
    void camelCaseKeysBecomeUpperSnakeEnvironmentNames() {
      assertEquals("PILOTLINE_DATABASE_PASSWORD_FILE", ApplicationConfig.envName("database.passwordFile"));
      assertEquals("PILOTLINE_SIMULATOR_GROUND_TRUTH_FILE", ApplicationConfig.envName("simulator.groundTruthFile"));
      ApplicationConfig config = parse("", Map.of("PILOTLINE_SIMULATOR_TAKT_SECONDS", "2.5",
          "PILOTLINE_SIMULATOR_ENABLED", "false",
          "PILOTLINE_SIMULATOR_FAULTS", "rollWear start=10m; channelFault channel=3"), NONE);
      assertEquals(2.5, config.simulator().taktSeconds());
      assertFalse(config.simulator().enabled());
      assertEquals(List.of("rollWear start=10m", "channelFault channel=3"), config.simulator().faults());
    }

    @Test
    void emptyOverrideClearsAnOptionalPath() {
      ApplicationConfig config = parse("", Map.of("PILOTLINE_SIMULATOR_GROUND_TRUTH_FILE", ""), NONE);
      assertNull(config.simulator().groundTruthFile());
    }

    // An operator must learn which override is wrong, not just that the file is fine.
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "PILOTLINE_HMI_PORT            | abc    | hmi.port            | not an integer: \"abc\"",
        "PILOTLINE_HMI_PORT            | 70000  | hmi.port            | must be in 0..65535: \"70000\"",
        "PILOTLINE_SIMULATOR_ENABLED   | yes    | simulator.enabled   | not true or false: \"yes\"",
        "PILOTLINE_SIMULATOR_TIME_SCALE| 0      | simulator.timeScale | must be a number > 0: \"0\"",
        "PILOTLINE_DATABASE_SCHEMA     | a;drop | database.schema     | not a plain lower-case SQL identifier",
        "PILOTLINE_OPCUA_PKI_DIR       | pom.xml | opcua.pkiDir       | not a directory: \"pom.xml\""})
    void invalidEnvironmentOverrideNamesTheVariable(String variable, String value, String path, String fault) {
      ConfigException e = failure("", Map.of(variable, value), NONE);

      assertEquals("env " + variable, e.file());
      assertEquals(path, e.path());
      assertTrue(e.getMessage().startsWith("env " + variable + ": " + path + ": " + fault), e.getMessage());
    }

    @Test
    void invalidSystemPropertyNamesTheProperty() {
      ConfigException e = failure("", NONE, Map.of("pilotline.writer.flushMs", "soon"));
      assertEquals("system property pilotline.writer.flushMs: writer.flushMs: not an integer: \"soon\"",
          e.getMessage());
    }
  }

  @Nested
  class FileFaults {
    @Test
    void wrongTypeInTheFileNamesTheFile() {
      ConfigException e = failure("hmi:\n  port: \"8080\"\n", NONE, NONE);
      assertEquals(FILE + ": hmi.port: expected an integer, got a string: \"8080\"", e.getMessage());
    }

    @Test
    void unknownKeyIsAFault() {
      ConfigException e = failure("writer:\n  batchSize: 10\n", NONE, NONE);
      assertEquals("writer.batchSize", e.path());
      assertTrue(e.fault().contains("allowed: batchRows, flushMs, queueCapacity"), e.fault());
    }

    @Test
    void queueSmallerThanABatchIsAFault() {
      ConfigException e = failure("writer:\n  batchRows: 1000\n  queueCapacity: 10\n", NONE, NONE);
      assertEquals("writer.queueCapacity", e.path());
      assertTrue(e.fault().startsWith("must be at least writer.batchRows (1000)"), e.fault());
    }

    @Test
    void analyticsFaultsNameTheKey() {
      ConfigException e = failure("analytics:\n  falseAlarmRate: 0.7\n  verdictModel: svm\n"
          + "  forestExtensionLevel: -2\n", NONE, NONE);
      assertEquals(List.of(
              FILE + ": analytics.falseAlarmRate: must be in (0, 0.5): \"0.7\"",
              FILE + ": analytics.verdictModel: not one of pca, isolationForest: \"svm\"",
              FILE + ": analytics.forestExtensionLevel: must be in -1..100000: \"-2\""),
          e.getMessage().lines().toList());
    }

    @Test
    void autoTrainingDefaultsToOneLotOfTheDemoAndOneCellIsRefused() {
      assertEquals(300, parse("", NONE, NONE).analytics().autoTrainAfterCells());
      assertEquals(0, parse("analytics:\n  autoTrainAfterCells: 0\n", NONE, NONE).analytics()
          .autoTrainAfterCells());
      ConfigException e = failure("analytics:\n  autoTrainAfterCells: 1\n", NONE, NONE);
      assertEquals(List.of(FILE + ": analytics.autoTrainAfterCells: must be 0 (off) or at least 2"
          + " (a model needs cells to learn from): 1"), e.getMessage().lines().toList());
    }

    @Test
    void analyticsOverrideFromTheEnvironment() {
      ApplicationConfig config = parse("", Map.of("PILOTLINE_ANALYTICS_FOREST_TREES", "7",
          "PILOTLINE_ANALYTICS_VERDICT_MODEL", "isolationForest"), NONE);
      assertEquals(7, config.analytics().forestTrees());
      assertEquals("isolationForest", config.analytics().verdictModel());
      assertEquals(0.01, config.analytics().falseAlarmRate());
    }

    @Test
    void everyFaultIsListed() {
      ConfigException e = failure("hmi:\n  port: -1\nsimulator:\n  seed: x\n",
          Map.of("PILOTLINE_WRITER_FLUSH_MS", "0"), NONE);
      // In settings order: database, writer, hmi, simulator.
      assertEquals(List.of(
              "env PILOTLINE_WRITER_FLUSH_MS: writer.flushMs: must be in 1..3600000: \"0\"",
              FILE + ": hmi.port: must be in 0..65535: \"-1\"",
              FILE + ": simulator.seed: expected an integer, got a string: \"x\""),
          e.getMessage().lines().toList());
    }
  }

  @Nested
  class Password {
    @Test
    void passwordInTheFileIsRejectedWithTheAlternatives() {
      ConfigException e = failure("database:\n  user: line\n  password: hunter2\n", NONE, NONE);

      assertEquals("database.password", e.path());
      assertTrue(e.fault().contains("database.passwordFile"), e.fault());
      assertTrue(e.fault().contains("PILOTLINE_DATABASE_PASSWORD"), e.fault());
      assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void passwordInTheFileUrlIsRejected() {
      ConfigException e = failure(
          "database:\n  url: jdbc:postgresql://db/line?user=a&password=hunter2\n", NONE, NONE);
      assertEquals("database.url", e.path());
      assertTrue(e.fault().startsWith("the URL holds a password"), e.fault());
    }

    @Test
    void passwordOnTheCommandLineIsRejected() {
      ConfigException e = failure("", NONE, Map.of("pilotline.database.password", "hunter2"));
      assertEquals("system property pilotline.database.password", e.file());
    }

    @Test
    void passwordIsReadFromThePasswordFileWithoutItsLineBreak(@TempDir Path dir) throws Exception {
      Path secret = Files.writeString(dir.resolve("db.secret"), "s3cret pass\n");
      ApplicationConfig config = parse("database:\n  passwordFile: " + secret + "\n", NONE, NONE);

      assertEquals(Optional.of("s3cret pass"), config.database().password(NONE));
    }

    @Test
    void environmentPasswordWinsOverThePasswordFile(@TempDir Path dir) throws Exception {
      Path secret = Files.writeString(dir.resolve("db.secret"), "from-file");
      ApplicationConfig config = parse("database:\n  passwordFile: " + secret + "\n", NONE, NONE);

      assertEquals(Optional.of("from-env"),
          config.database().password(Map.of(ApplicationConfig.PASSWORD_ENV, "from-env")));
    }

    @Test
    void noPasswordWhenNeitherIsGiven() {
      assertEquals(Optional.empty(), ApplicationConfig.defaults().database().password(NONE));
    }

    @Test
    void missingPasswordFileIsAFaultAtLoad(@TempDir Path dir) {
      ConfigException e = failure("",
          Map.of("PILOTLINE_DATABASE_PASSWORD_FILE", dir.resolve("absent").toString()), NONE);
      assertEquals("env PILOTLINE_DATABASE_PASSWORD_FILE", e.file());
      assertTrue(e.fault().startsWith("password file not found or not readable"), e.fault());
    }
  }

  @Nested
  class SpoolSettings {
    @Test
    void spoolSettingsAreRead() {
      ApplicationConfig config = parse("""
          spool:
            dir: /var/lib/pilotline/spool
            segmentBytes: 8192
            fsyncIntervalMs: 0
            capBytes: 16384
            fullPolicy: stopAcquiring
          """, NONE, NONE);
      assertEquals(new ApplicationConfig.Spool(true, Path.of("/var/lib/pilotline/spool"), 8192, 0,
          16384, "stopAcquiring"), config.spool());
    }

    @Test
    void unknownFullPolicyNamesThePathAndTheChoices() {
      ConfigException e = failure("spool:\n  fullPolicy: dropNewest\n", NONE, NONE);
      assertEquals("spool.fullPolicy", e.path());
      assertTrue(e.getMessage().contains("dropOldest, stopAcquiring"), e.getMessage());
    }

    // dropOldest must always find a closed segment to delete beside the one being written
    @Test
    void capBelowTwoSegmentsIsRefused() {
      ConfigException e = failure("spool:\n  segmentBytes: 100000\n  capBytes: 150000\n", NONE, NONE);
      assertEquals("spool.capBytes", e.path());
    }

    @Test
    void negativeFsyncIntervalIsRefused() {
      ConfigException e = failure("", Map.of("PILOTLINE_SPOOL_FSYNC_INTERVAL_MS", "-1"), NONE);
      assertEquals("spool.fsyncIntervalMs", e.path());
    }
  }

  @Nested
  class ResultServerSection {
    @Test
    void defaultsAreSecureOnlyAndOff() {
      ApplicationConfig.ResultServer rs = ApplicationConfig.defaults().resultServer();
      assertFalse(rs.enabled());
      assertEquals(List.of("Basic256Sha256", "Aes256_Sha256_RsaPss"), rs.securityPolicies());
      assertEquals(List.of("SignAndEncrypt"), rs.securityModes());
      assertFalse(rs.allowNone());
      assertFalse(rs.anonymous());
      assertEquals(4841, rs.port());
      assertEquals(50, rs.maxAnomalies());
    }

    // None must be asked for by name (allowNone), not slipped into the policy list.
    @Test
    void noneInThePolicyListIsRefusedWithTheSwitchToUse() {
      ConfigException e = failure("""
          resultServer:
            securityPolicies: [Basic256Sha256, None]
          """, NONE, NONE);
      assertEquals("resultServer.securityPolicies[1]", e.path());
      assertTrue(e.getMessage().contains("allowNone"), e.getMessage());
    }

    @Test
    void deprecatedPolicyIsRefused() {
      ConfigException e = failure("resultServer:\n  securityPolicies: [Basic128Rsa15]\n", NONE, NONE);
      assertEquals("resultServer.securityPolicies[0]", e.path());
      assertTrue(e.getMessage().contains("Basic128Rsa15"), e.getMessage());
    }

    @Test
    void noSecureEndpointAndNoNoneIsRefused() {
      ConfigException e = failure("resultServer:\n  securityPolicies: []\n", NONE, NONE);
      assertEquals("resultServer.securityPolicies", e.path());
      assertTrue(e.getMessage().contains("no endpoint"), e.getMessage());
    }

    @Test
    void unknownModeAndBadMaxAnomaliesAreBothReported() {
      ConfigException e = failure("""
          resultServer:
            securityModes: [Encrypt]
            maxAnomalies: 0
          """, NONE, NONE);
      assertTrue(e.getMessage().contains("resultServer.securityModes[0]"), e.getMessage());
      assertTrue(e.getMessage().contains("resultServer.maxAnomalies"), e.getMessage());
    }

    @Test
    void overridesSetPoliciesAsOneList() {
      ApplicationConfig config = parse("", Map.of("PILOTLINE_RESULT_SERVER_SECURITY_POLICIES",
          "Aes128_Sha256_RsaOaep;Aes256_Sha256_RsaPss"), Map.of("pilotline.resultServer.enabled", "true"));
      assertTrue(config.resultServer().enabled());
      assertEquals(List.of("Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss"), config.resultServer().securityPolicies());
    }

    @Test
    void endpointHostIsTheBoundHostUnlessEveryInterfaceIsBound() {
      ApplicationConfig.ResultServer rs = ApplicationConfig.defaults().resultServer();
      assertEquals("127.0.0.1", rs.endpointHost());
      ApplicationConfig.ResultServer named = parse("resultServer:\n  host: 0.0.0.0\n  advertisedHost: mes-gw.plant\n",
          NONE, NONE).resultServer();
      assertEquals("mes-gw.plant", named.endpointHost());
    }
  }
}
