package org.pilotline.analytics.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pilotline.acquisition.config.LineLoader;
import org.pilotline.acquisition.line.Line;
import org.pilotline.acquisition.testing.TestDatabase;
import org.pilotline.acquisition.testing.TestLines;
import org.pilotline.analytics.feature.FeatureSchema;
import org.pilotline.analytics.feature.FeatureSchemaLoader;

/**
 * The floors on a smaller seeded scenario, run the way {@code evaluate} runs it (headless
 * line into a real PostgreSQL, features from the database, models trained on the first part):
 * ROC-AUC of the best model at least 0.95, its top-1 root cause at least 0.8, and a multivariate
 * model above the univariate 3σ baseline in AUC.
 *
 * <p>The scenario holds five of the six fault kinds of {@code evaluate}'s: every one but
 * {@code dryRoomExcursion}. It was chosen when {@code features.yaml} integrated dry-room exposure
 * from the first window of the cell's roll ({@code from: roll}), while the simulator labels as
 * exposed only the cells open to the room (stacking to sealing), so an excursion raised the
 * exposure features of some sixty cells per episode that the ground truth calls good. The shipped
 * file now says {@code from: cell} (docs/ANALYTICS.md, Evaluation); this scenario has not been
 * re-measured with the dry-room kind put back.
 *
 * <p>The drift floor (EWMA or CUSUM tuned for an in-control ARL of at least 370 detects a
 * sustained 1σ shift within 12 samples on average over at least 100 seeded runs) is
 * {@code org.pilotline.analytics.spc.DriftDetectionTest}, with 4,000 runs for the ARL and 500 for
 * the delay; the same charts, with the same parameters, give the drift delays printed here.
 */
class EvaluationFloorsIT {
  private static TestDatabase.Schema schema;
  private static EvaluationReport report;

  @BeforeAll
  static void runTheScenario() throws Exception {
    schema = TestDatabase.createMigratedSchema("evalfloors");
    Line line = LineLoader.load(TestLines.configDir().resolve("line.yaml"));
    FeatureSchema features = FeatureSchemaLoader.load(TestLines.configDir().resolve("features.yaml"), line);
    ScenarioOptions options = new ScenarioOptions(7, 800, 0.05, 0.5, 60, 10, 1000, 0.01,
        TestLines.configDir(), null, null);
    Scenario scenario = ScenarioPlanner.plan(line, options, ScenarioPlanner.DEFAULT_TEMPLATES.stream()
        .filter(t -> !t.startsWith("dryRoomExcursion")).toList());
    report = EvaluateCommand.evaluate(line, features, scenario, options, schema.dataSource(), System.out);
    System.out.println();
    System.out.print(EvaluationTable.format(report));
  }

  @AfterAll
  static void dropSchema() {
    if (schema != null) {
      schema.close();
    }
  }

  private static EvaluationReport.ModelFigures best() {
    return report.models().stream().filter(m -> !m.model().equals(Evaluation.BASELINE))
        .max(Comparator.comparingDouble(EvaluationReport.ModelFigures::rocAuc)).orElseThrow();
  }

  @Test
  void theScenarioHasAtLeastFiveFaultKindsAndScoresFaultyAndGoodCells() {
    assertTrue(report.faultyByKind().size() >= 5, "fault kinds scored: " + report.faultyByKind());
    assertTrue(report.faultyScored() > 0 && report.faultyScored() < report.scoredCells());
    assertEquals(List.of(Evaluation.ISOLATION_FOREST, Evaluation.PCA, Evaluation.BASELINE),
        report.models().stream().map(EvaluationReport.ModelFigures::model).toList());
  }

  @Test
  void theBestModelReachesAnRocAucOfAtLeast095() {
    assertTrue(best().rocAuc() >= 0.95, best().model() + " ROC-AUC " + best().rocAuc());
  }

  @Test
  void theBestModelNamesTheRightStationFirstInAtLeast80PercentOfTheFaultyCellsItFlags() {
    EvaluationReport.ModelFigures m = best();
    assertTrue(m.rootCauseCases() >= 10, "only " + m.rootCauseCases() + " flagged faulty cells");
    assertTrue(m.rootCause() >= 0.8, m.model() + " top-1 root cause " + m.rootCause());
  }

  @Test
  void aMultivariateModelBeatsTheUnivariateBaselineInRocAuc() {
    double baseline = report.model(Evaluation.BASELINE).orElseThrow().rocAuc();
    assertTrue(best().rocAuc() > baseline, best().model() + " " + best().rocAuc() + " vs 3σ baseline " + baseline);
  }

  @Test
  void everyDriftFaultIsChartedAndCaughtByEwmaOrCusum() {
    assertTrue(!report.drifts().isEmpty(), "no drift fault charted: " + report.notes());
    for (EvaluationReport.DriftFigures d : report.drifts()) {
      assertTrue(d.ewma().delay().isPresent() || d.cusum().delay().isPresent(), d.toString());
    }
  }
}
