package org.pilotline.analytics.training;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pilotline.acquisition.config.ApplicationConfig;
import org.pilotline.acquisition.line.ConfigException;
import org.pilotline.acquisition.store.Database;
import org.pilotline.acquisition.store.EmbeddedDatabase;
import org.pilotline.acquisition.store.SchemaMigrator;
import org.pilotline.analytics.feature.JdbcFeatureStore;
import org.pilotline.analytics.model.ModelKind;
import org.pilotline.analytics.registry.JdbcModelRegistry;
import org.pilotline.analytics.registry.ModelRegistry;
import org.pilotline.analytics.registry.ModelVersion;

/**
 * The command line's model commands, against the database of {@code application.yaml}:
 * <ul>
 *   <li>{@code train [--window 14d | --from ISO --to ISO] [--schema N] [--no-activate]}: trains
 *       both models on the window, printing progress lines (percent, phase, elapsed, ETA), stores
 *       them as new versions and activates them;</li>
 *   <li>{@code models list [pca|isolationForest]}: the stored versions, newest first;</li>
 *   <li>{@code models rollback pca|isolationForest}: reactivates the version before the active
 *       one.</li>
 * </ul>
 * Every form takes {@code --config DIR} (default {@code config}). With the embedded database the
 * command starts it itself, so pilotline must not be running on the same data directory.
 */
public final class TrainCommand {
  static final String USAGE = "usage: train [--config DIR] [--window 14d | --from ISO-8601 --to ISO-8601]"
      + " [--schema N] [--no-activate]"
      + " | models list [pca|isolationForest] [--config DIR]"
      + " | models rollback pca|isolationForest [--config DIR]";

  private TrainCommand() {}

  /**
   * Runs {@code train ...} or {@code models ...} ({@code args[0]} is the command word).
   *
   * @return the process exit code: 0 done, 1 refused or failed, 2 usage or configuration error
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || !(args[0].equals("train") || args[0].equals("models"))) {
      err.println(USAGE);
      return 2;
    }
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage() + "\n" + USAGE);
      return 2;
    }
    ApplicationConfig config;
    try {
      config = ApplicationConfig.load(o.configDir.resolve("application.yaml"));
    } catch (ConfigException e) {
      err.println("configuration error:\n" + e.getMessage());
      return 2;
    }
    ApplicationConfig.Database db = config.database();
    EmbeddedDatabase embedded = null;
    try {
      String url = db.url();
      if (db.embedded()) {
        try {
          embedded = EmbeddedDatabase.start(db.dataDir(), 0);
        } catch (Exception e) {
          err.println("cannot start the embedded database in " + db.dataDir()
              + " (is pilotline running on it? stop it, or train from the HMI): " + e.getMessage());
          return 1;
        }
        url = embedded.jdbcUrl();
      }
      try (HikariDataSource ds = Database.createDataSource(url,
          db.embedded() ? "postgres" : db.user(), db.password().orElse(null), db.schema(), 2)) {
        SchemaMigrator.migrate(ds, db.schema());
        JdbcModelRegistry registry = new JdbcModelRegistry(ds);
        return args[0].equals("train")
            ? train(o, config.analytics(), ds, registry, out, err)
            : models(o, registry, out, err);
      }
    } catch (IllegalStateException | IllegalArgumentException | java.util.NoSuchElementException e) {
      err.println(args[0] + ": " + e.getMessage());
      return 1;
    } catch (Exception e) {
      err.println(args[0] + " failed: " + e);
      return 1;
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  private static int train(Options o, ApplicationConfig.Analytics analytics, HikariDataSource ds,
      ModelRegistry registry, PrintStream out, PrintStream err) {
    JdbcFeatureStore store = new JdbcFeatureStore(ds, Clock.systemUTC());
    int schema;
    if (o.schema > 0) {
      schema = o.schema;
    } else {
      var latest = store.latestSchemaVersion();
      if (latest.isEmpty()) {
        err.println("train: no feature vectors are stored yet; let cells finish first");
        return 1;
      }
      schema = latest.getAsInt();
    }
    Instant to = o.to != null ? o.to : Instant.now();
    Instant from = o.from != null ? o.from
        : to.minus(o.window != null ? o.window : Duration.ofDays(analytics.trainingWindowDays()));
    out.println("training on feature schema v" + schema + ", cells completed in [" + from + ", "
        + to + ")");
    ModelTrainer trainer = new ModelTrainer(store, new JdbcTrainingExclusions(ds), registry,
        TrainingSettings.of(analytics), Clock.systemUTC());
    TrainingReport r = trainer.train(schema, from, to, o.activate, p -> out.println(p.line()));
    out.printf(Locale.ROOT, "%d cells in the window, %d left out (known bad or flagged), trained on"
        + " %d; features dropped for missing too often: %s%n", r.windowCells(), r.excluded().size(),
        r.trainingCells(), r.droppedFeatures().isEmpty() ? "none" : r.droppedFeatures().keySet());
    for (ModelVersion v : r.versions()) {
      out.println("stored " + describe(v));
    }
    return 0;
  }

  private static int models(Options o, ModelRegistry registry, PrintStream out, PrintStream err) {
    if (o.words.isEmpty()) {
      err.println(USAGE);
      return 2;
    }
    switch (o.words.get(0)) {
      case "list" -> {
        List<ModelKind> kinds = o.words.size() > 1 ? List.of(kind(o.words.get(1)))
            : List.of(ModelKind.values());
        for (ModelKind kind : kinds) {
          List<ModelVersion> versions = registry.list(kind);
          out.println(kind + " (" + versions.size() + " versions):");
          versions.forEach(v -> out.println("  " + describe(v)));
        }
        return 0;
      }
      case "rollback" -> {
        if (o.words.size() != 2) {
          err.println("models rollback needs a kind; " + USAGE);
          return 2;
        }
        ModelVersion v = registry.rollback(kind(o.words.get(1)));
        out.println("active now: " + describe(v));
        return 0;
      }
      default -> {
        err.println("unknown models command \"" + o.words.get(0) + "\"; " + USAGE);
        return 2;
      }
    }
  }

  private static String describe(ModelVersion v) {
    return String.format(Locale.ROOT, "%s v%d%s schema v%d, %d cells, window [%s, %s), threshold %.6g,"
            + " created %s", v.kind(), v.version(), v.active() ? " (active)" : "",
        v.featureSchemaVersion(), v.trainingCells(), v.trainFrom(), v.trainTo(), v.threshold(),
        v.createdAt());
  }

  static ModelKind kind(String word) {
    return ModelKind.of(word);
  }

  /** Parsed options; unknown flags and malformed values are usage errors. */
  static final class Options {
    Path configDir = Path.of(System.getProperty("pilotline.config.dir", "config"));
    Duration window;
    Instant from;
    Instant to;
    int schema;
    boolean activate = true;
    final List<String> words = new ArrayList<>();

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--config" -> o.configDir = Path.of(value(args, ++i, a));
          case "--window" -> o.window = duration(value(args, ++i, a));
          case "--from" -> o.from = instant(value(args, ++i, a), a);
          case "--to" -> o.to = instant(value(args, ++i, a), a);
          case "--schema" -> o.schema = positive(value(args, ++i, a), a);
          case "--no-activate" -> o.activate = false;
          default -> {
            if (a.startsWith("--")) {
              throw new IllegalArgumentException("unknown option " + a);
            }
            o.words.add(a);
          }
        }
      }
      if (o.window != null && o.from != null) {
        throw new IllegalArgumentException("give --window or --from, not both");
      }
      if (args[0].equals("train") && !o.words.isEmpty()) {
        throw new IllegalArgumentException("unexpected argument " + o.words.get(0));
      }
      if (o.from != null && o.to != null && !o.from.isBefore(o.to)) {
        throw new IllegalArgumentException("--from " + o.from + " is not before --to " + o.to);
      }
      return o;
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }

    /** {@code 90m}, {@code 12h}, {@code 14d}, or an ISO-8601 duration such as {@code PT36H}. */
    static Duration duration(String text) {
      try {
        if (text.matches("\\d+[mhd]")) {
          long n = Long.parseLong(text.substring(0, text.length() - 1));
          Duration d = switch (text.charAt(text.length() - 1)) {
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
          if (!d.isZero()) {
            return d;
          }
        } else {
          Duration d = Duration.parse(text);
          if (!d.isNegative() && !d.isZero()) {
            return d;
          }
        }
      } catch (DateTimeParseException | ArithmeticException e) {
        // reported below
      }
      throw new IllegalArgumentException("--window: not a positive duration (90m, 12h, 14d or"
          + " ISO-8601 such as PT36H): \"" + text + "\"");
    }

    private static Instant instant(String text, String option) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(option + ": not an ISO-8601 instant such as"
            + " 2026-11-01T00:00:00Z: \"" + text + "\"");
      }
    }

    private static int positive(String text, String option) {
      try {
        int n = Integer.parseInt(text);
        if (n > 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(option + ": not a positive integer: \"" + text + "\"");
    }
  }
}
