package org.pilotline.analytics.eval;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.pilotline.acquisition.config.LineLoader;
import org.pilotline.acquisition.line.ConfigException;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.sim.FaultSpec;
import org.pilotline.acquisition.sim.FinishedCell;
import org.pilotline.acquisition.store.Database;
import org.pilotline.acquisition.store.EmbeddedDatabase;
import org.pilotline.acquisition.store.SchemaMigrator;
import org.pilotline.analytics.feature.FeatureSchema;
import org.pilotline.analytics.feature.FeatureSchemaLoader;
import org.pilotline.analytics.feature.JdbcCellFeatureSource;
import com.zaxxer.hikari.HikariDataSource;

/**
 * {@code Launcher evaluate [options]}: runs a seeded scenario on the simulated line headless,
 * into a throw-away database, builds every cell's feature vector, trains the models on the first
 * part and prints their figures on the rest beside the univariate 3σ baseline. Options:
 * {@link ScenarioOptions#parse}. The method is in {@code docs/ANALYTICS.md}, section Evaluation.
 */
public final class EvaluateCommand {
  static final String USAGE = "usage: evaluate [--seed N] [--cells N] [--faultRate F] [--trainFraction F]"
      + " [--taktSeconds S] [--cellsPerRoll N] [--stepMillis N] [--falseAlarmRate F] [--config DIR]"
      + " [--jdbcUrl URL] [--groundTruth FILE]";

  private EvaluateCommand() {}

  /** Runs the command; returns the process exit code (0 done, 2 bad arguments or config, 1 failure). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    ScenarioOptions options;
    Line line;
    FeatureSchema schema;
    Scenario scenario;
    try {
      options = ScenarioOptions.parse(args);
      line = LineLoader.load(options.configDir().resolve("line.yaml"));
      schema = FeatureSchemaLoader.load(options.configDir().resolve("features.yaml"), line);
      scenario = ScenarioPlanner.plan(line, options);
    } catch (IllegalArgumentException | ConfigException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try {
      EvaluationReport report = evaluate(line, schema, scenario, options, err);
      out.println();
      out.print(EvaluationTable.format(report));
      return 0;
    } catch (Exception e) {
      err.println("evaluation failed: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  /** Plans, runs and scores in a throw-away database; progress goes to {@code progressOut}. */
  public static EvaluationReport evaluate(Line line, FeatureSchema schema, Scenario scenario, ScenarioOptions options,
      PrintStream progressOut) throws Exception {
    progressOut.printf("scenario: seed %d, %d cells (+%d warm-up), train on %d, score %d; %d faults:%n",
        options.seed(), options.cells(), scenario.warmUpCells(), scenario.trainingCells(), scenario.scoredCells(),
        scenario.faults().size());
    scenario.faults().forEach(f -> progressOut.println("  " + f.text()));
    scenario.notes().forEach(n -> progressOut.println("  note: " + n));
    try (ThrowAwayDatabase db = ThrowAwayDatabase.create(options.jdbcUrl(), progressOut)) {
      return evaluate(line, schema, scenario, options, db.dataSource(), progressOut);
    }
  }

  /** Runs the scenario into {@code dataSource} (a migrated, empty schema) and scores it. */
  public static EvaluationReport evaluate(Line line, FeatureSchema schema, Scenario scenario, ScenarioOptions options,
      DataSource dataSource, PrintStream progressOut) throws Exception {
    HeadlessLine.Run run = HeadlessLine.run(line, scenario.simulator(), scenario.cellsToRun(), options.stepMillis(),
        dataSource, options.groundTruth(), progressOut);
    progressOut.printf("  %d readings stored, %s simulated%n", run.readings(), run.simulated());
    List<Evaluation.Labelled> vectors = Evaluation.vectors(run.cells(), scenario.warmUpCells(),
        new JdbcCellFeatureSource(dataSource, schema, line), progressOut);
    Map<String, Integer> position = new HashMap<>();
    List<FinishedCell> cells = run.cells();
    for (int i = 0; i < cells.size(); i++) {
      position.put(cells.get(i).cellId(), i);
    }
    int firstScored = scenario.warmUpCells() + scenario.trainingCells();
    List<Evaluation.Labelled> training = new ArrayList<>();
    List<Evaluation.Labelled> scored = new ArrayList<>();
    for (Evaluation.Labelled l : vectors) {
      (position.get(l.truth().cellId()) < firstScored ? training : scored).add(l);
    }
    List<FaultSpec> faults = scenario.faults();
    return Evaluation.evaluate(training, scored, faults, FeatureGroups.of(schema), options.falseAlarmRate(),
        options.seed(), cells.size(), progressOut);
  }

  /** A schema of its own on a given server, or an embedded PostgreSQL in a temporary folder; gone on close. */
  static final class ThrowAwayDatabase implements AutoCloseable {
    private final EmbeddedDatabase embedded;
    private final Path dataDir;
    private final HikariDataSource dataSource;
    private final String url;
    private final String schema;

    private ThrowAwayDatabase(EmbeddedDatabase embedded, Path dataDir, HikariDataSource dataSource, String url,
        String schema) {
      this.embedded = embedded;
      this.dataDir = dataDir;
      this.dataSource = dataSource;
      this.url = url;
      this.schema = schema;
    }

    static ThrowAwayDatabase create(String jdbcUrl, PrintStream progressOut) throws IOException, SQLException {
      EmbeddedDatabase embedded = null;
      Path dir = null;
      String url = jdbcUrl;
      if (url == null || url.isBlank()) {
        dir = Files.createTempDirectory("pilotline-eval-");
        embedded = EmbeddedDatabase.start(dir.resolve("pg"), 0);
        url = embedded.jdbcUrl();
        progressOut.println("  database: throw-away embedded PostgreSQL in " + dir);
      }
      String schema = "eval_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      HikariDataSource ds = Database.createDataSource(url, null, null, schema, 4);
      try {
        SchemaMigrator.migrate(ds, schema);
      } catch (SQLException | RuntimeException e) {
        ds.close();
        if (embedded != null) {
          embedded.close();
        }
        throw e;
      }
      if (embedded == null) {
        progressOut.println("  database: throw-away schema " + schema + " (dropped at the end)");
      }
      return new ThrowAwayDatabase(embedded, dir, ds, url, schema);
    }

    DataSource dataSource() {
      return dataSource;
    }

    @Override
    public void close() throws Exception {
      dataSource.close();
      if (embedded != null) {
        embedded.close();
        deleteTree(dataDir);
      } else {
        try (Connection c = java.sql.DriverManager.getConnection(url); Statement s = c.createStatement()) {
          s.execute("drop schema if exists " + schema + " cascade");
        }
      }
    }

    private static void deleteTree(Path dir) throws IOException {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
