package org.pilotline.hmi;

import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.pilotline.acquisition.LocalCodecs;
import org.pilotline.acquisition.config.ApplicationConfig;
import org.pilotline.acquisition.line.DataGap;
import org.pilotline.acquisition.line.Equipment;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.line.Station;
import org.pilotline.acquisition.line.TagStatus;
import org.pilotline.acquisition.opcua.MiloEquipmentClient;
import org.pilotline.acquisition.sim.FaultSpec;
import org.pilotline.acquisition.sim.SimulatorOptions;
import org.pilotline.acquisition.sim.SimulatorServer;
import org.pilotline.acquisition.sim.WriteListener;
import org.pilotline.acquisition.store.CopyReadingWriter;
import org.pilotline.acquisition.store.Database;
import org.pilotline.acquisition.store.EmbeddedDatabase;
import org.pilotline.acquisition.store.JdbcTagRegistry;
import org.pilotline.acquisition.store.JdbcDataGapStore;
import org.pilotline.acquisition.store.JdbcReadingQuarantine;
import org.pilotline.acquisition.store.ReadingQuarantine;
import org.pilotline.acquisition.store.JdbcUnitStore;
import org.pilotline.acquisition.store.ProcessWindowVerticle;
import org.pilotline.acquisition.store.ReadingWriterVerticle;
import org.pilotline.acquisition.store.SchemaMigrator;
import org.pilotline.acquisition.store.StorageMode;
import org.pilotline.acquisition.store.WriterConfig;
import org.pilotline.acquisition.store.WriterMetrics;
import org.pilotline.acquisition.store.spool.ReadingSpool;
import org.pilotline.acquisition.store.spool.SpoolConfig;
import org.pilotline.acquisition.store.spool.SpoolMetrics;
import org.pilotline.analytics.spcstream.BaselineSource;
import org.pilotline.analytics.spcstream.JdbcSpcViolationStore;
import org.pilotline.analytics.spcstream.SpcConfig;
import org.pilotline.analytics.spcstream.SpcVerticle;
import org.pilotline.analytics.anomaly.JdbcAnomalyLedger;
import org.pilotline.hmi.auth.JdbcUserStore;
import org.pilotline.hmi.opcua.ResultServer;
import org.pilotline.hmi.web.ApiVerticle;
import org.pilotline.hmi.web.JdbcLatestValues;
import org.pilotline.hmi.web.UnitSlotCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running pilotline: database, schema, simulator (demo), one OPC UA client per equipment,
 * the writers and the web API. {@link #close()} stops them in reverse order.
 */
public final class PilotlineNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PilotlineNode.class);
  private static final long STEP_TIMEOUT_S = 60;

  private final Instant startedAt = Instant.now();
  private final List<MiloEquipmentClient> clients = new ArrayList<>();
  private EmbeddedDatabase embedded;
  private HikariDataSource dataSource;
  private StorageMode storageMode;
  private SimulatorServer simulator;
  private Vertx vertx;
  private ReadingWriterVerticle writer;
  private ReadingSpool spool;
  private ProcessWindowVerticle windows;
  private ApiVerticle api;
  private ResultServer resultServer;
  private UnitSlotCache units;
  private ReadingQuarantine.Totals quarantineAtStart;
  private Line line;
  private String url;
  private SpcConfig spcConfig;
  private SpcVerticle spc;

  private PilotlineNode() {}

  /**
   * Starts everything the configuration asks for and returns once the web API listens.
   * Equipment that cannot be reached is logged and reported in the health document; it does not
   * stop the rest.
   */
  public static PilotlineNode start(ApplicationConfig config, Line line) throws Exception {
    return start(config, line, WriteListener.NONE);
  }

  /** As {@link #start(ApplicationConfig, Line)}, telling {@code simulatorWrites} of every value the simulator writes. */
  public static PilotlineNode start(ApplicationConfig config, Line line, WriteListener simulatorWrites) throws Exception {
    return start(config, line, simulatorWrites, null);
  }

  /** As {@link #start(ApplicationConfig, Line, WriteListener)}, with SPC on the reading streams unless {@code spc} is null. */
  public static PilotlineNode start(ApplicationConfig config, Line line, WriteListener simulatorWrites,
      SpcConfig spc) throws Exception {
    PilotlineNode node = new PilotlineNode();
    node.spcConfig = spc;
    try {
      node.startAll(config, line, simulatorWrites);
      return node;
    } catch (Exception | Error e) {
      node.close();
      throw e;
    }
  }

  private void startAll(ApplicationConfig config, Line line, WriteListener simulatorWrites) throws Exception {
    this.line = Objects.requireNonNull(line, "line");
    ApplicationConfig.Database db = config.database();
    String jdbcUrl = db.url();
    if (db.embedded()) {
      embedded = EmbeddedDatabase.start(db.dataDir(), 0);
      jdbcUrl = embedded.jdbcUrl();
      LOG.info("embedded database started: dataDir={}, url={}", db.dataDir(), jdbcUrl);
    }
    dataSource = Database.createDataSource(
        jdbcUrl, db.embedded() ? "postgres" : db.user(), db.password().orElse(null), db.schema(), db.poolSize());
    storageMode = SchemaMigrator.migrate(dataSource, db.schema());
    Map<String, Integer> tagIds = JdbcTagRegistry.register(dataSource, line);

    if (config.simulator().enabled()) {
      simulator = SimulatorServer.create(line, simulatorOptions(config.simulator()), simulatorWrites);
      simulator.startAsync().get(STEP_TIMEOUT_S, TimeUnit.SECONDS);
      LOG.info("simulator started: endpoints={}, seed={}, timeScale={}",
          simulator.endpointUrls(), config.simulator().seed(), config.simulator().timeScale());
    }

    vertx = Vertx.vertx();
    LocalCodecs.register(vertx.eventBus());
    units = new UnitSlotCache();
    units.listen(vertx.eventBus());
    ApplicationConfig.Writer w = config.writer();
    ApplicationConfig.Spool sp = config.spool();
    if (sp.enabled()) {
      // opened before any reading arrives: what a previous run left is replayed first
      spool = ReadingSpool.open(new SpoolConfig(sp.dir(), sp.segmentBytes(), sp.fsyncIntervalMs(),
          sp.capBytes(), sp.fullPolicy().equals("stopAcquiring")
              ? SpoolConfig.FullPolicy.STOP_ACQUIRING : SpoolConfig.FullPolicy.DROP_OLDEST),
          Clock.systemUTC());
    }
    writer = new ReadingWriterVerticle(new CopyReadingWriter(dataSource),
        new WriterConfig(w.batchRows(), w.flushMs(), w.queueCapacity()), spool);
    windows = new ProcessWindowVerticle(new JdbcUnitStore(dataSource), line.route().get(line.route().size() - 1));
    await(vertx.deployVerticle(writer));
    await(vertx.deployVerticle(windows));
    deploySpc(tagIds);

    List<Future<String>> deployments = new ArrayList<>();
    JdbcDataGapStore gapStore = new JdbcDataGapStore(dataSource);
    for (Station s : line.stations()) {
      for (Equipment e : s.equipment()) {
        MiloEquipmentClient client =
            new MiloEquipmentClient(e, s.id(), tagIds, Clock.systemUTC(), gapStore, config.opcua().pkiDir());
        clients.add(client);
        deployments.add(vertx.deployVerticle(client)
            .onFailure(err -> LOG.warn("equipment not connected: equipment={}, url={}, reason={}",
                e.id(), e.endpointUrl(), err.getMessage())));
      }
    }
    // One unreachable machine must not keep the others, or the HMI, from starting.
    Future.join(deployments).otherwiseEmpty().toCompletionStage().toCompletableFuture()
        .get(STEP_TIMEOUT_S, TimeUnit.SECONDS);

    JdbcLatestValues latest = new JdbcLatestValues(dataSource, line, this::tagStatuses, units);
    ReadingQuarantine quarantine = new JdbcReadingQuarantine(dataSource);
    // read once: health must answer while the database is away, so it adds the writer's counts to these
    quarantineAtStart = quarantine.totals();
    if (quarantineAtStart.readings() > 0) {
      LOG.warn("quarantine holds readings the database refused: batches={}, readings={}, last={}; see /api/quarantine",
          quarantineAtStart.batches(), quarantineAtStart.readings(), quarantineAtStart.lastQuarantinedAt());
    }
    api = new ApiVerticle(config.hmi().host(), config.hmi().port(), latest, this::health, quarantine);
    await(vertx.deployVerticle(api));
    url = "http://" + config.hmi().host() + ":" + api.actualPort() + "/";
    if (config.resultServer().enabled()) {
      resultServer = new ResultServer(config.resultServer(), line, new JdbcAnomalyLedger(dataSource),
          new JdbcUserStore(dataSource), this::tagStatuses, Clock.systemUTC());
      await(vertx.deployVerticle(resultServer));
    }
    long tagsOk = clients.stream().flatMap(c -> c.tagStatuses().values().stream()).filter(TagStatus::ok).count();
    long unitsOk = clients.stream().flatMap(c -> c.unitStatuses().values().stream()).filter(TagStatus::ok).count();
    long units = line.equipment().mapToLong(e -> e.units().size()).sum();
    LOG.info("pilotline started: storageMode={}, tagsSubscribed={}/{}, unitNodesSubscribed={}/{}, equipment={}, url={}",
        storageMode.name().toLowerCase(), tagsOk, tagIds.size(), unitsOk, units, clients.size(), url);
  }

  /** Before the equipment clients, so that SPC sees the first readings; a failure leaves the rest running. */
  private void deploySpc(Map<String, Integer> tagIds) throws Exception {
    if (spcConfig == null) {
      return;
    }
    SpcVerticle v = new SpcVerticle(spcConfig, tagIds, new JdbcSpcViolationStore(dataSource),
        BaselineSource.of(dataSource));
    await(vertx.deployVerticle(v).map(id -> spc = v).otherwise(err -> {
      LOG.error("spc not started, running without it: reason={}", err.getMessage());
      return null;
    }));
  }

  /** SPC on the reading streams (violations, Cpk/Ppk table), if it runs. */
  public Optional<SpcVerticle> spc() {
    return Optional.ofNullable(spc);
  }

  private static SimulatorOptions simulatorOptions(ApplicationConfig.Simulator sim) {
    return SimulatorOptions.defaults()
        .withSeed(sim.seed())
        .withTimeScale(sim.timeScale())
        .withTaktSeconds(sim.taktSeconds())
        .withGroundTruth(sim.groundTruthFile())
        .withFaults(sim.faults().stream().map(FaultSpec::parse).toList());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(STEP_TIMEOUT_S, TimeUnit.SECONDS);
  }

  /** The web page's URL. */
  public String url() {
    return url;
  }

  /** The result server's endpoint URLs; empty when it is not enabled. */
  public List<String> resultServerUrls() {
    return resultServer == null ? List.of() : resultServer.endpointUrls();
  }

  public StorageMode storageMode() {
    return storageMode;
  }

  public Line line() {
    return line;
  }

  public WriterMetrics writerMetrics() {
    return writer.metrics();
  }

  /** Subscription state of every tag and unit node of every connected equipment. */
  public Map<String, TagStatus> tagStatuses() {
    Map<String, TagStatus> all = new LinkedHashMap<>();
    for (MiloEquipmentClient c : clients) {
      all.putAll(c.tagStatuses());
      c.unitStatuses().values().forEach(s -> all.put(s.key(), s));
    }
    return all;
  }

  JsonObject health() {
    Map<String, TagStatus> statuses = tagStatuses();
    int configured = (int) line.tagRefs().count();
    long ok = statuses.values().stream().filter(TagStatus::ok).count();
    JsonArray failed = new JsonArray();
    statuses.values().stream().filter(s -> !s.ok())
        .forEach(s -> failed.add(new JsonObject().put("key", s.key()).put("detail", s.detail())));
    WriterMetrics m = writer.metrics();
    SpoolMetrics sm = writer.spoolMetrics();
    boolean healthy = failed.isEmpty() && m.dropped() == 0 && ok >= configured
        && (sm == null || !sm.full());
    return new JsonObject()
        .put("status", healthy ? "UP" : "DEGRADED")
        .put("startedAt", startedAt.toString())
        .put("uptimeSeconds", Duration.between(startedAt, Instant.now()).toSeconds())
        .put("storageMode", storageMode.name().toLowerCase())
        .put("writer", new JsonObject()
            .put("received", m.received())
            .put("committed", m.committed())
            .put("dropped", m.dropped())
            .put("rejected", m.rejected())
            .put("queued", m.queueDepth())
            .put("commitErrors", m.commitErrors())
            .put("lastCommit", m.lastCommit() == null ? null : m.lastCommit().toString()))
        .put("spool", sm == null ? null : new JsonObject()
            .put("bytesUsed", sm.bytesUsed())
            .put("capBytes", sm.capBytes())
            .put("fillPercent", Math.round(sm.fillPercent() * 100) / 100.0)
            .put("recordsPending", sm.recordsPending())
            .put("readingsPending", sm.readingsPending())
            .put("oldestPendingAgeMs", sm.oldestPendingAgeMs())
            .put("full", sm.full())
            .put("readingsDropped", sm.readingsDropped())
            .put("appendsRefused", sm.appendsRefused())
            .put("recoveredTruncatedBytes", sm.recoveredTruncatedBytes()))
        .put("quarantine", new JsonObject()
            .put("batches", quarantineAtStart.batches() + m.quarantineBatches())
            .put("readings", quarantineAtStart.readings() + m.quarantined())
            .put("readingsSinceStart", m.quarantined())
            .put("lastQuarantinedAt", m.lastQuarantine() != null ? m.lastQuarantine().toString()
                : quarantineAtStart.lastQuarantinedAt() == null ? null : quarantineAtStart.lastQuarantinedAt().toString()))
        .put("equipment", equipmentHealth())
        .put("processWindows", new JsonObject()
            .put("eventsReceived", windows.eventsReceived())
            .put("eventsApplied", windows.eventsApplied())
            .put("eventsLost", windows.eventsLost()))
        .put("tags", new JsonObject()
            .put("total", statuses.size())
            .put("configured", configured)
            .put("ok", ok)
            .put("failed", failed))
        .put("simulator", simulator == null ? null : new JsonObject()
            .put("simTime", simulator.simTime().toString())
            .put("valuesWritten", simulator.valuesWritten())
            .put("cellsFinished", simulator.cellsFinished()));
  }

  /** Per equipment: connected or not and why, outages recovered, data gaps and the last one. */
  private JsonArray equipmentHealth() {
    JsonArray all = new JsonArray();
    for (MiloEquipmentClient c : clients) {
      DataGap last = c.lastGap();
      all.add(new JsonObject()
          .put("station", c.stationId())
          .put("id", c.equipment().id())
          .put("url", c.equipment().endpointUrl())
          .put("connected", c.connected())
          .put("notConnectedReason", c.connected() ? null : c.notConnectedReason())
          .put("connectedSince", c.connectedSince() == null ? null : c.connectedSince().toString())
          .put("outageOpen", c.outageOpen())
          .put("recoveries", c.recoveries())
          .put("gaps", c.gapsDetected())
          .put("lastGap", last == null ? null : new JsonObject()
              .put("from", last.from().toString())
              .put("to", last.to().toString())
              .put("seconds", Duration.between(last.from(), last.to()).toMillis() / 1000.0)
              .put("reason", last.reason())
              .put("detectedAt", last.detectedAt() == null ? null : last.detectedAt().toString())));
    }
    return all;
  }

  /** Stops acquisition first, so that the writer can flush what it holds, then the rest. */
  @Override
  public void close() {
    if (vertx != null) {
      quietly("equipment clients", () -> {
        for (MiloEquipmentClient c : clients) {
          if (c.deploymentID() != null) {
            await(vertx.undeploy(c.deploymentID()));
          }
        }
      });
      if (units != null) {
        quietly("unit slot cache", units::close);
      }
      quietly("verticles", () -> await(vertx.close()));
    }
    if (spool != null) {
      quietly("spool", spool::close);
    }
    if (simulator != null) {
      quietly("simulator", simulator::stop);
    }
    if (dataSource != null) {
      quietly("connection pool", dataSource::close);
    }
    if (embedded != null) {
      quietly("embedded database", embedded::close);
    }
    LOG.info("pilotline stopped");
  }

  private interface Step {
    void run() throws Exception;
  }

  /** One part failing to stop must not keep the others running (the database above all). */
  private static void quietly(String what, Step step) {
    try {
      step.run();
    } catch (Exception e) {
      LOG.warn("shutdown step failed: step={}, reason={}", what, e.toString());
    }
  }
}
