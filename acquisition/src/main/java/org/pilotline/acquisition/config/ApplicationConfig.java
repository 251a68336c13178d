package org.pilotline.acquisition.config;

import static org.pilotline.acquisition.config.ConfigReader.quote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.pilotline.acquisition.line.ConfigException;
import org.pilotline.acquisition.sim.FaultSpec;

/**
 * Runtime settings from {@code config/application.yaml}. Every key has a default (the demo's),
 * and every key can be overridden, in this order of precedence:
 *
 * <ol>
 *   <li>the system property {@code pilotline.<section>.<key>}, e.g. {@code -Dpilotline.hmi.port=9090};
 *   <li>the environment variable {@code PILOTLINE_<SECTION>_<KEY>} in upper snake case, e.g.
 *       {@code PILOTLINE_DATABASE_URL}, {@code PILOTLINE_WRITER_BATCH_ROWS};
 *   <li>the file.
 * </ol>
 *
 * <p>Overrides are text; a list ({@code simulator.faults}) is given as one string with entries
 * separated by {@code ;}. Faults name their source: {@code env PILOTLINE_HMI_PORT: hmi.port:
 * not an integer: "abc"}. The database password is never in the file: see {@link
 * Database#password()}.
 */
public record ApplicationConfig(
    Database database, Writer writer, Spool spool, Hmi hmi, Simulator simulator, Opcua opcua,
    ResultServer resultServer, Analytics analytics) {
  /** The environment variable that holds the database password, if no password file is used. */
  public static final String PASSWORD_ENV = "PILOTLINE_DATABASE_PASSWORD";

  private static final Map<String, List<String>> KEYS = keys();

  private static Map<String, List<String>> keys() {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    keys.put("database", List.of("url", "user", "passwordFile", "schema", "dataDir", "poolSize"));
    keys.put("writer", List.of("batchRows", "flushMs", "queueCapacity"));
    keys.put("spool", List.of("enabled", "dir", "segmentBytes", "fsyncIntervalMs", "capBytes", "fullPolicy"));
    keys.put("hmi", List.of("host", "port"));
    keys.put("simulator",
        List.of("enabled", "seed", "timeScale", "taktSeconds", "groundTruthFile", "faults"));
    keys.put("opcua", List.of("pkiDir"));
    keys.put("resultServer", List.of("enabled", "host", "advertisedHost", "port", "path", "pkiDir",
        "securityPolicies", "securityModes", "allowNone", "anonymous", "maxAnomalies"));
    keys.put("analytics", List.of("falseAlarmRate", "verdictModel", "minTrainingCells",
        "maxMissingFraction", "trainingWindowDays", "forestTrees", "forestMaxDepth",
        "forestSamplesPerTree", "forestExtensionLevel", "forestSeed", "pcaComponents",
        "pcaVarianceRetained", "autoTrainAfterCells"));
    return keys;
  }

  // The schema name is spliced into SQL (search_path, DDL): a plain identifier only.
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)[?&]password=");

  public ApplicationConfig {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(writer, "writer");
    Objects.requireNonNull(spool, "spool");
    Objects.requireNonNull(hmi, "hmi");
    Objects.requireNonNull(simulator, "simulator");
    Objects.requireNonNull(opcua, "opcua");
    Objects.requireNonNull(resultServer, "resultServer");
    Objects.requireNonNull(analytics, "analytics");
  }

  /**
   * The result server: pilotline's own OPC UA server for MES and PLCs (verdicts, anomalies, line
   * state; see docs/OPERATIONS.md).
   *
   * @param host the address to bind; 0.0.0.0 for every interface
   * @param advertisedHost the host name in the endpoint URLs clients are given; empty: the host,
   *     or this machine's name when the host is 0.0.0.0
   * @param path the endpoint URL's path, such as {@code /pilotline}
   * @param pkiDir the server's own PKI folder (its certificate, trusted and rejected client
   *     certificates)
   * @param securityPolicies the secure policies offered, each with every mode in securityModes
   * @param securityModes {@code Sign} and/or {@code SignAndEncrypt}
   * @param allowNone true adds an endpoint without security (never for a network)
   * @param anonymous true lets clients in without a user name (they can read, never acknowledge)
   * @param maxAnomalies how many of the newest open anomalies the Anomalies folder holds
   */
  public record ResultServer(boolean enabled, String host, String advertisedHost, int port, String path,
      Path pkiDir, List<String> securityPolicies, List<String> securityModes, boolean allowNone,
      boolean anonymous, int maxAnomalies) {
    public ResultServer {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(advertisedHost, "advertisedHost");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(pkiDir, "pkiDir");
      securityPolicies = List.copyOf(securityPolicies);
      securityModes = List.copyOf(securityModes);
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port not in 0..65535: " + port);
      }
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("path must start with /: " + path);
      }
      if (!RESULT_SERVER_POLICIES.containsAll(securityPolicies)) {
        throw new IllegalArgumentException("securityPolicies not all in " + RESULT_SERVER_POLICIES + ": "
            + securityPolicies);
      }
      if (!RESULT_SERVER_MODES.containsAll(securityModes)) {
        throw new IllegalArgumentException("securityModes not all in " + RESULT_SERVER_MODES + ": " + securityModes);
      }
      if ((securityPolicies.isEmpty() || securityModes.isEmpty()) && !allowNone) {
        throw new IllegalArgumentException("no endpoint: securityPolicies or securityModes is empty and allowNone is false");
      }
      if (maxAnomalies < 1 || maxAnomalies > 10_000) {
        throw new IllegalArgumentException("maxAnomalies not in 1..10000: " + maxAnomalies);
      }
    }

    /** The host name for endpoint URLs: advertisedHost, else host unless that binds every interface. */
    public String endpointHost() {
      if (!advertisedHost.isEmpty()) {
        return advertisedHost;
      }
      if (!host.equals("0.0.0.0") && !host.equals("::")) {
        return host;
      }
      try {
        return java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        return "localhost";
      }
    }
  }

  /**
   * The policies the result server offers: those OPC UA still recommends (Basic128Rsa15 and
   * Basic256 are deprecated, None is {@code allowNone}).
   */
  public static final List<String> RESULT_SERVER_POLICIES =
      List.of("Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss");
  /** The message security modes of the result server's secure endpoints. */
  public static final List<String> RESULT_SERVER_MODES = List.of("Sign", "SignAndEncrypt");

  /**
   * Anomaly-model training and scoring; every model parameter is explicit (see docs/ANALYTICS.md).
   *
   * @param falseAlarmRate the fraction of in-control training cells each model's threshold lets
   *     through as flagged, in (0, 0.5)
   * @param verdictModel the model whose flag makes a cell NOK: {@code pca} or {@code isolationForest}
   * @param minTrainingCells training refuses a window with fewer usable cells
   * @param maxMissingFraction a feature missing in more of the training cells is dropped; other
   *     missing values take the training mean; in [0, 1)
   * @param trainingWindowDays the window {@code train} uses when none is given: the last N days
   * @param forestTrees Isolation Forest: number of trees
   * @param forestMaxDepth Isolation Forest: maximum tree depth (0 would make every score 0.5)
   * @param forestSamplesPerTree Isolation Forest: training cells drawn for each tree (ψ); capped at
   *     the window's cells
   * @param forestExtensionLevel Isolation Forest: 0 for axis-parallel cuts, up to d − 1 for the
   *     extended forest, or -1 for d − 1 whatever d the feature schema has
   * @param forestSeed Isolation Forest: the random seed (same data and seed, same forest)
   * @param pcaComponents PCA: components kept, or 0 to keep the fewest reaching
   *     {@code pcaVarianceRetained}
   * @param pcaVarianceRetained PCA: the variance fraction to retain, in (0, 1], when
   *     {@code pcaComponents} is 0
   * @param autoTrainAfterCells the running node trains (and activates) the first models itself
   *     once this many finished cells have features and no model is active, then scores the cells
   *     before them; 0 turns that off (then only {@code Launcher train} trains)
   */
  public record Analytics(double falseAlarmRate, String verdictModel, int minTrainingCells,
      double maxMissingFraction, int trainingWindowDays, int forestTrees, int forestMaxDepth,
      int forestSamplesPerTree, int forestExtensionLevel, long forestSeed, int pcaComponents,
      double pcaVarianceRetained, int autoTrainAfterCells) {
    public Analytics {
      Objects.requireNonNull(verdictModel, "verdictModel");
      if (!VERDICT_MODELS.contains(verdictModel)) {
        throw new IllegalArgumentException("verdictModel not one of " + VERDICT_MODELS + ": "
            + verdictModel);
      }
      if (!(falseAlarmRate > 0 && falseAlarmRate < 0.5)
          || !(maxMissingFraction >= 0 && maxMissingFraction < 1)
          || !(pcaVarianceRetained > 0 && pcaVarianceRetained <= 1)) {
        throw new IllegalArgumentException("need falseAlarmRate in (0, 0.5), maxMissingFraction in"
            + " [0, 1), pcaVarianceRetained in (0, 1]: " + falseAlarmRate + ", "
            + maxMissingFraction + ", " + pcaVarianceRetained);
      }
      if (minTrainingCells < 2 || trainingWindowDays < 1 || forestTrees < 1 || forestMaxDepth < 1
          || forestSamplesPerTree < 2 || forestExtensionLevel < -1 || pcaComponents < 0
          || autoTrainAfterCells < 0 || autoTrainAfterCells == 1) {
        throw new IllegalArgumentException("need minTrainingCells >= 2, trainingWindowDays >= 1,"
            + " forestTrees >= 1, forestMaxDepth >= 1, forestSamplesPerTree >= 2,"
            + " forestExtensionLevel >= -1, pcaComponents >= 0, autoTrainAfterCells 0 or >= 2");
      }
    }
  }

  /** The values of {@code analytics.verdictModel}. */
  public static final List<String> VERDICT_MODELS = List.of("pca", "isolationForest");

  /**
   * The OPC UA client's settings.
   *
   * @param pkiDir the PKI folder: the application certificate, trusted and rejected server
   *     certificates (see docs/OPERATIONS.md)
   */
  public record Opcua(Path pkiDir) {
    public Opcua {
      Objects.requireNonNull(pkiDir, "pkiDir");
    }
  }

  /**
   * Where readings are stored.
   *
   * @param url a {@code jdbc:postgresql:} URL, or empty for an embedded PostgreSQL under dataDir
   * @param passwordFile a file whose content (less a trailing newline) is the password, or null
   * @param schema the schema that holds pilotline's tables
   * @param dataDir the embedded database's data directory (unused with a url)
   */
  public record Database(
      String url, String user, Path passwordFile, String schema, Path dataDir, int poolSize) {
    public Database {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(dataDir, "dataDir");
      if (poolSize < 1) {
        throw new IllegalArgumentException("poolSize < 1: " + poolSize);
      }
    }

    /** True when no URL is given and an embedded PostgreSQL is to be started. */
    public boolean embedded() {
      return url.isEmpty();
    }

    /** The password from the process environment or the password file; see {@link #password(Map)}. */
    public Optional<String> password() {
      return password(System.getenv());
    }

    /**
     * The password: {@value #PASSWORD_ENV} from {@code env} when set and not empty, else the
     * content of {@link #passwordFile()} without its trailing line break, else none. Read on
     * each call, so a rotated secret file is picked up; the value is never logged or kept.
     *
     * @throws ConfigException when the password file cannot be read
     */
    public Optional<String> password(Map<String, String> env) {
      String fromEnv = env.get(PASSWORD_ENV);
      if (fromEnv != null && !fromEnv.isEmpty()) {
        return Optional.of(fromEnv);
      }
      if (passwordFile == null) {
        return Optional.empty();
      }
      try {
        String text = Files.readString(passwordFile, StandardCharsets.UTF_8).replaceFirst("[\\r\\n]+$", "");
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
      } catch (IOException e) {
        throw new ConfigException(passwordFile.toString(), "",
            "cannot read the database password file: " + e.getClass().getSimpleName());
      }
    }
  }

  /**
   * How readings are batched into the database.
   *
   * @param batchRows rows per COPY
   * @param flushMs the longest a reading waits for its COPY
   * @param queueCapacity readings held in memory before back-pressure; at least batchRows
   */
  public record Writer(int batchRows, long flushMs, int queueCapacity) {
    public Writer {
      if (batchRows < 1 || flushMs < 1 || queueCapacity < batchRows) {
        throw new IllegalArgumentException("need batchRows >= 1, flushMs >= 1, queueCapacity >= batchRows: "
            + batchRows + ", " + flushMs + ", " + queueCapacity);
      }
    }
  }

  /**
   * The disk spool (store-and-forward) between acquisition and the database; see
   * docs/RELIABILITY.md.
   *
   * @param enabled false keeps readings in memory only (lost if the process dies)
   * @param dir the spool's directory; one process per directory
   * @param segmentBytes size of one segment file
   * @param fsyncIntervalMs appends reach the disk at most this late (0: every append)
   * @param capBytes the most the spool holds; at least 2 * segmentBytes
   * @param fullPolicy {@code dropOldest} or {@code stopAcquiring}
   */
  public record Spool(boolean enabled, Path dir, long segmentBytes, long fsyncIntervalMs,
      long capBytes, String fullPolicy) {
    public Spool {
      Objects.requireNonNull(dir, "dir");
      Objects.requireNonNull(fullPolicy, "fullPolicy");
      if (!FULL_POLICIES.contains(fullPolicy)) {
        throw new IllegalArgumentException("fullPolicy not one of " + FULL_POLICIES + ": " + fullPolicy);
      }
      if (segmentBytes < 4096 || fsyncIntervalMs < 0 || capBytes < 2 * segmentBytes) {
        throw new IllegalArgumentException("need segmentBytes >= 4096, fsyncIntervalMs >= 0,"
            + " capBytes >= 2 * segmentBytes: " + segmentBytes + ", " + fsyncIntervalMs + ", " + capBytes);
      }
    }
  }

  /** The values of {@code spool.fullPolicy}. */
  public static final List<String> FULL_POLICIES = List.of("dropOldest", "stopAcquiring");

  /** Where the web HMI listens; port 0 picks a free port. */
  public record Hmi(String host, int port) {
    public Hmi {
      Objects.requireNonNull(host, "host");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port not in 0..65535: " + port);
      }
    }
  }

  /**
   * The pilot-line simulator run beside acquisition in the demo.
   *
   * @param timeScale simulated seconds per wall-clock second
   * @param taktSeconds simulated seconds between units leaving a station
   * @param groundTruthFile where the per-cell fault labels are written, or null for nowhere
   * @param faults fault strings as written; the simulator parses them ({@code FaultSpec.parse})
   */
  public record Simulator(
      boolean enabled, long seed, double timeScale, double taktSeconds, Path groundTruthFile,
      List<String> faults) {
    public Simulator {
      if (!(timeScale > 0) || !(taktSeconds > 0)) {
        throw new IllegalArgumentException("timeScale and taktSeconds must be > 0: " + timeScale + ", " + taktSeconds);
      }
      faults = List.copyOf(faults);
    }
  }

  /** Reads the file with overrides from this process's system properties and environment. */
  public static ApplicationConfig load(Path file) {
    Properties properties = System.getProperties();
    Map<String, String> props = new LinkedHashMap<>();
    for (String name : properties.stringPropertyNames()) {
      props.put(name, properties.getProperty(name));
    }
    return load(file, System.getenv(), props);
  }

  /**
   * Reads the file with overrides from the given environment and system properties.
   *
   * @throws ConfigException listing every fault, each naming its file or override source
   */
  public static ApplicationConfig load(Path file, Map<String, String> env,
      Map<String, String> systemProperties) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), "", "file not found");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new ConfigException(file.toString(), "", "not UTF-8 text");
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "", "cannot read: " + e.getMessage());
    }
    return parse(text, file.toString(), env, systemProperties);
  }

  /**
   * Validates YAML text as an application file, with overrides. An empty text means all defaults.
   *
   * @param fileName what messages call the file
   * @throws ConfigException listing every fault, each naming its file or override source
   */
  public static ApplicationConfig parse(String yamlText, String fileName, Map<String, String> env,
      Map<String, String> systemProperties) {
    Object root = ConfigReader.parseYaml(yamlText, fileName);
    ConfigReader r = new ConfigReader(fileName);
    ApplicationConfig config = new Reading(r, root, env, systemProperties).config();
    r.throwIfAny();
    return config;
  }

  /** The built-in defaults, which the shipped {@code config/application.yaml} repeats. */
  public static ApplicationConfig defaults() {
    return parse("", "defaults", Map.of(), Map.of());
  }

  /** {@code database.passwordFile} → {@code PILOTLINE_DATABASE_PASSWORD_FILE}. */
  public static String envName(String dottedPath) {
    return "PILOTLINE_" + dottedPath.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_')
        .toUpperCase(Locale.ROOT);
  }

  /** {@code hmi.port} → {@code pilotline.hmi.port}. */
  public static String propertyName(String dottedPath) {
    return "pilotline." + dottedPath;
  }

  /** A setting's raw value and where it came from: the file, a system property or env. */
  private record Source(Object value, String origin, String path, boolean override) {}

  /** One reading of the file and overrides; faults go to the reader, defaults stand in. */
  private static final class Reading {
    private final ConfigReader r;
    private final Map<String, String> env;
    private final Map<String, String> props;
    private final Map<String, Map<String, Object>> sections = new LinkedHashMap<>();

    Reading(ConfigReader r, Object root, Map<String, String> env, Map<String, String> props) {
      this.r = r;
      this.env = env;
      this.props = props;
      if (root != null) {
        sections(root);
      }
    }

    private void sections(Object root) {
      if (!(root instanceof Map)) {
        r.error("", "expected a mapping (" + String.join(", ", KEYS.keySet()) + ") at the top, got "
            + ConfigReader.typeName(root) + ": " + quote(root));
        return;
      }
      Map<String, Object> top = r.mapping(root, "");
      if (top == null) {
        return;
      }
      r.allowOnly(top, "", List.copyOf(KEYS.keySet()));
      for (Map.Entry<String, List<String>> section : KEYS.entrySet()) {
        Object node = top.get(section.getKey());
        if (node == null) {
          continue;
        }
        Map<String, Object> map = r.mapping(node, section.getKey());
        if (map == null) {
          continue;
        }
        Map<String, Object> checked = new LinkedHashMap<>(map);
        if (section.getKey().equals("database") && checked.remove("password") != null) {
          r.error("database.password", "a password is never kept in " + r.file()
              + "; name a file holding it in database.passwordFile, or set env " + PASSWORD_ENV);
        }
        r.allowOnly(checked, section.getKey(), section.getValue());
        sections.put(section.getKey(), map);
      }
    }

    ApplicationConfig config() {
      String passwordProperty = propertyName("database.password");
      if (props.containsKey(passwordProperty)) {
        // Command lines are visible to every user of the machine (ps).
        r.error("system property " + passwordProperty, "database.password",
            "a password on the command line is visible to other users; use database.passwordFile or env "
                + PASSWORD_ENV);
      }
      int before = r.errorCount();

      Source url = source("database.url");
      String urlText = text(url, "");
      if (!urlText.isEmpty() && !urlText.startsWith("jdbc:postgresql:")) {
        fault(url, "not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database), nor empty for the"
            + " embedded database: " + quote(urlText));
      } else if (!url.override() && URL_PASSWORD.matcher(urlText).find()) {
        fault(url, "the URL holds a password; a password is never kept in " + r.file()
            + ": use database.passwordFile or env " + PASSWORD_ENV);
      }
      String user = nonBlank(source("database.user"), "postgres");
      Source passwordFileSource = source("database.passwordFile");
      Path passwordFile = path(passwordFileSource, null);
      if (passwordFile != null && !(Files.isRegularFile(passwordFile) && Files.isReadable(passwordFile))) {
        fault(passwordFileSource, "password file not found or not readable: " + quote(passwordFile));
      }
      Source schemaSource = source("database.schema");
      String schema = text(schemaSource, "pilotline");
      if (!SCHEMA.matcher(schema).matches()) {
        fault(schemaSource, "not a plain lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63): "
            + quote(schema));
      }
      Path dataDir = path(source("database.dataDir"), Path.of("data", "postgres"));
      if (dataDir == null) {
        fault(source("database.dataDir"), "must not be empty");
      }
      int poolSize = (int) integer(source("database.poolSize"), 4, 1, 1000);

      int batchRows = (int) integer(source("writer.batchRows"), 5000, 1, Integer.MAX_VALUE);
      long flushMs = integer(source("writer.flushMs"), 250, 1, 3_600_000);
      Source queueSource = source("writer.queueCapacity");
      int queueCapacity = (int) integer(queueSource, 500_000, 1, Integer.MAX_VALUE);
      if (queueCapacity < batchRows) {
        fault(queueSource, "must be at least writer.batchRows (" + batchRows + "): " + quote(queueCapacity));
      }

      boolean spoolEnabled = flag(source("spool.enabled"), true);
      Path spoolDir = path(source("spool.dir"), Path.of("data", "spool"));
      if (spoolDir == null) {
        fault(source("spool.dir"), "must not be empty");
      }
      long segmentBytes = integer(source("spool.segmentBytes"), 64L << 20, 4096, 1L << 40);
      long fsyncIntervalMs = integer(source("spool.fsyncIntervalMs"), 200, 0, 60_000);
      Source capSource = source("spool.capBytes");
      long capBytes = integer(capSource, 10L << 30, 8192, Long.MAX_VALUE);
      if (capBytes < 2 * segmentBytes) {
        fault(capSource, "must be at least 2 * spool.segmentBytes (" + 2 * segmentBytes + "): "
            + quote(capSource.value()));
      }
      Source policySource = source("spool.fullPolicy");
      String fullPolicy = text(policySource, "dropOldest");
      if (!FULL_POLICIES.contains(fullPolicy)) {
        fault(policySource, "not one of " + String.join(", ", FULL_POLICIES) + ": " + quote(fullPolicy));
      }

      String host = nonBlank(source("hmi.host"), "127.0.0.1");
      int port = (int) integer(source("hmi.port"), 8080, 0, 65535);

      boolean enabled = flag(source("simulator.enabled"), true);
      long seed = integer(source("simulator.seed"), 42, Long.MIN_VALUE, Long.MAX_VALUE);
      double timeScale = positive(source("simulator.timeScale"), 1);
      double taktSeconds = positive(source("simulator.taktSeconds"), 6);
      Path groundTruth = path(source("simulator.groundTruthFile"), Path.of("data", "ground-truth.csv"));
      Source faultsSource = source("simulator.faults");
      List<String> faults = strings(faultsSource);
      for (int i = 0; i < faults.size(); i++) {
        try {
          // Syntax only: whether the target exists depends on the line, checked when the simulator is built.
          FaultSpec.parse(faults.get(i));
        } catch (IllegalArgumentException e) {
          r.error(faultsSource.origin(), ConfigReader.index(faultsSource.path(), i), e.getMessage());
        }
      }

      Source pkiSource = source("opcua.pkiDir");
      Path pkiDir = path(pkiSource, Path.of("data", "pki"));
      if (pkiDir == null) {
        fault(pkiSource, "must not be empty");
      } else if (Files.exists(pkiDir) && !Files.isDirectory(pkiDir)) {
        fault(pkiSource, "not a directory: " + quote(pkiDir));
      }

      ResultServer resultServer = resultServer();
      Analytics analytics = analytics();

      if (r.errorCount() > before) {
        return null;
      }
      return new ApplicationConfig(
          new Database(urlText, user, passwordFile, schema, dataDir, poolSize),
          new Writer(batchRows, flushMs, queueCapacity),
          new Spool(spoolEnabled, spoolDir, segmentBytes, fsyncIntervalMs, capBytes, fullPolicy),
          new Hmi(host, port),
          new Simulator(enabled, seed, timeScale, taktSeconds, groundTruth, faults),
          new Opcua(pkiDir),
          resultServer, analytics);
    }

    private ResultServer resultServer() {
      int before = r.errorCount();
      boolean enabled = flag(source("resultServer.enabled"), false);
      String host = nonBlank(source("resultServer.host"), "127.0.0.1");
      String advertisedHost = text(source("resultServer.advertisedHost"), "").trim();
      int port = (int) integer(source("resultServer.port"), 4841, 0, 65535);
      Source pathSource = source("resultServer.path");
      String path = text(pathSource, "/pilotline");
      if (!path.startsWith("/") || path.chars().anyMatch(Character::isWhitespace)) {
        fault(pathSource, "not a URL path (starts with /, no spaces): " + quote(path));
        path = "/pilotline";
      }
      Source pkiSource = source("resultServer.pkiDir");
      Path pkiDir = path(pkiSource, Path.of("data", "pki-result-server"));
      if (pkiDir == null) {
        fault(pkiSource, "must not be empty");
        pkiDir = Path.of("data", "pki-result-server");
      } else if (Files.exists(pkiDir) && !Files.isDirectory(pkiDir)) {
        fault(pkiSource, "not a directory: " + quote(pkiDir));
      }
      Source policiesSource = source("resultServer.securityPolicies");
      List<String> policies = policiesSource.value() == null
          ? List.of("Basic256Sha256", "Aes256_Sha256_RsaPss") : strings(policiesSource);
      for (int i = 0; i < policies.size(); i++) {
        String p = policies.get(i);
        if (p.equals("None")) {
          r.error(policiesSource.origin(), ConfigReader.index(policiesSource.path(), i),
              "None is not a secure policy; an endpoint without security needs resultServer.allowNone: true");
        } else if (!RESULT_SERVER_POLICIES.contains(p)) {
          r.error(policiesSource.origin(), ConfigReader.index(policiesSource.path(), i),
              "not one of " + String.join(", ", RESULT_SERVER_POLICIES) + ": " + quote(p));
        }
      }
      Source modesSource = source("resultServer.securityModes");
      List<String> modes = modesSource.value() == null ? List.of("SignAndEncrypt") : strings(modesSource);
      for (int i = 0; i < modes.size(); i++) {
        if (!RESULT_SERVER_MODES.contains(modes.get(i))) {
          r.error(modesSource.origin(), ConfigReader.index(modesSource.path(), i),
              "not one of " + String.join(", ", RESULT_SERVER_MODES) + ": " + quote(modes.get(i)));
        }
      }
      boolean allowNone = flag(source("resultServer.allowNone"), false);
      if ((policies.isEmpty() || modes.isEmpty()) && !allowNone) {
        fault(policies.isEmpty() ? policiesSource : modesSource,
            "must not be empty: the result server would offer no endpoint (None is off unless resultServer.allowNone)");
      }
      boolean anonymous = flag(source("resultServer.anonymous"), false);
      int maxAnomalies = (int) integer(source("resultServer.maxAnomalies"), 50, 1, 10_000);
      if (r.errorCount() > before) {
        return null; // the caller sees the faults and builds nothing
      }
      return new ResultServer(enabled, host, advertisedHost, port, path, pkiDir, policies, modes,
          allowNone, anonymous, maxAnomalies);
    }

    private Analytics analytics() {
      double rate = fraction(source("analytics.falseAlarmRate"), 0.01, false, 0.5, false);
      Source verdictSource = source("analytics.verdictModel");
      String verdictModel = text(verdictSource, "pca");
      if (!VERDICT_MODELS.contains(verdictModel)) {
        fault(verdictSource, "not one of " + String.join(", ", VERDICT_MODELS) + ": "
            + quote(verdictModel));
        verdictModel = "pca";
      }
      int minCells = (int) integer(source("analytics.minTrainingCells"), 200, 2, Integer.MAX_VALUE);
      double maxMissing = fraction(source("analytics.maxMissingFraction"), 0.2, true, 1, false);
      int windowDays = (int) integer(source("analytics.trainingWindowDays"), 14, 1, 36_500);
      int trees = (int) integer(source("analytics.forestTrees"), 100, 1, 100_000);
      int depth = (int) integer(source("analytics.forestMaxDepth"), 8, 1, 64);
      int psi = (int) integer(source("analytics.forestSamplesPerTree"), 256, 2, Integer.MAX_VALUE);
      int extension = (int) integer(source("analytics.forestExtensionLevel"), -1, -1, 100_000);
      long forestSeed = integer(source("analytics.forestSeed"), 42, Long.MIN_VALUE, Long.MAX_VALUE);
      int components = (int) integer(source("analytics.pcaComponents"), 0, 0, 100_000);
      double variance = fraction(source("analytics.pcaVarianceRetained"), 0.9, false, 1, true);
      Source autoSource = source("analytics.autoTrainAfterCells");
      int autoTrain = (int) integer(autoSource, 300, 0, Integer.MAX_VALUE);
      if (autoTrain == 1) {
        fault(autoSource, "must be 0 (off) or at least 2 (a model needs cells to learn from): 1");
        autoTrain = 0;
      }
      return new Analytics(rate, verdictModel, minCells, maxMissing, windowDays, trees, depth, psi,
          extension, forestSeed, components, variance, autoTrain);
    }

    /** A number in the interval from {@code low} to {@code high}, each end open or closed. */
    private double fraction(Source s, double fallback, boolean lowClosed, double high,
        boolean highClosed) {
      if (s.value() == null) {
        return fallback;
      }
      Double value;
      if (s.override()) {
        try {
          value = Double.parseDouble(((String) s.value()).trim());
        } catch (NumberFormatException e) {
          fault(s, "not a number: " + quote(s.value()));
          return fallback;
        }
      } else {
        value = r.number(s.value(), s.path());
        if (value == null) {
          return fallback;
        }
      }
      boolean lowOk = lowClosed ? value >= 0 : value > 0;
      boolean highOk = highClosed ? value <= high : value < high;
      if (!lowOk || !highOk) {
        fault(s, "must be in " + (lowClosed ? "[" : "(") + "0, " + high + (highClosed ? "]" : ")")
            + ": " + quote(s.value()));
        return fallback;
      }
      return value;
    }

    private Source source(String path) {
      String property = propertyName(path);
      if (props.containsKey(property)) {
        return new Source(props.get(property), "system property " + property, path, true);
      }
      String variable = envName(path);
      if (env.containsKey(variable)) {
        return new Source(env.get(variable), "env " + variable, path, true);
      }
      int dot = path.indexOf('.');
      Map<String, Object> section = sections.get(path.substring(0, dot));
      Object value = section == null ? null : section.get(path.substring(dot + 1));
      return new Source(value, r.file(), path, false);
    }

    private void fault(Source source, String fault) {
      r.error(source.origin(), source.path(), fault);
    }

    private String text(Source s, String fallback) {
      if (s.value() == null) {
        return fallback;
      }
      String text = s.override() ? (String) s.value() : r.string(s.value(), s.path());
      return text == null ? fallback : text;
    }

    private String nonBlank(Source s, String fallback) {
      String text = text(s, fallback);
      if (text.isBlank()) {
        fault(s, "must not be empty");
      }
      return text;
    }

    /** Empty text means no path. */
    private Path path(Source s, Path fallback) {
      if (s.value() == null) {
        return fallback;
      }
      String text = text(s, "");
      return text.isBlank() ? null : Path.of(text);
    }

    private long integer(Source s, long fallback, long min, long max) {
      if (s.value() == null) {
        return fallback;
      }
      Long value;
      if (s.override()) {
        try {
          value = Long.parseLong(((String) s.value()).trim());
        } catch (NumberFormatException e) {
          fault(s, "not an integer: " + quote(s.value()));
          return fallback;
        }
      } else {
        value = r.integer(s.value(), s.path());
        if (value == null) {
          return fallback;
        }
      }
      if (value < min || value > max) {
        fault(s, "must be in " + min + ".." + max + ": " + quote(s.value()));
        return fallback;
      }
      return value;
    }

    private double positive(Source s, double fallback) {
      if (s.value() == null) {
        return fallback;
      }
      Double value;
      if (s.override()) {
        try {
          value = Double.parseDouble(((String) s.value()).trim());
        } catch (NumberFormatException e) {
          fault(s, "not a number: " + quote(s.value()));
          return fallback;
        }
      } else {
        value = r.number(s.value(), s.path());
        if (value == null) {
          return fallback;
        }
      }
      if (!(value > 0) || !Double.isFinite(value)) {
        fault(s, "must be a number > 0: " + quote(s.value()));
        return fallback;
      }
      return value;
    }

    private boolean flag(Source s, boolean fallback) {
      if (s.value() == null) {
        return fallback;
      }
      if (s.override()) {
        String text = ((String) s.value()).trim();
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
          return Boolean.parseBoolean(text);
        }
        fault(s, "not true or false: " + quote(s.value()));
        return fallback;
      }
      Boolean value = r.bool(s.value(), s.path());
      return value == null ? fallback : value;
    }

    private List<String> strings(Source s) {
      if (s.value() == null) {
        return List.of();
      }
      if (s.override()) {
        return Arrays.stream(((String) s.value()).split(";"))
            .map(String::trim)
            .filter(t -> !t.isEmpty())
            .toList();
      }
      List<Object> items = r.list(s.value(), s.path());
      List<String> strings = new ArrayList<>();
      if (items == null) {
        return strings;
      }
      for (int i = 0; i < items.size(); i++) {
        String path = ConfigReader.index(s.path(), i);
        String text = r.string(items.get(i), path);
        if (text != null && text.isBlank()) {
          r.error(path, "must not be empty");
        } else if (text == null && items.get(i) == null) {
          r.error(path, "expected a string, got nothing");
        } else if (text != null) {
          strings.add(text.trim());
        }
      }
      return strings;
    }
  }
}
