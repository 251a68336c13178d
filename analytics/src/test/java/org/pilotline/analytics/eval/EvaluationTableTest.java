package org.pilotline.analytics.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EvaluationTableTest {
  private static final EvaluationReport REPORT = new EvaluationReport(1, 2040, 800, 1200, 103,
      Map.of("pressureLoss", 15), List.of(), 0, 45,
      List.of(new EvaluationReport.ModelFigures("isolationForest", 0.8971, new Confusion(99, 150, 947, 4), 0.808, 99,
              Map.of("pressureLoss", 15), Map.of("exposure.dewPointExcess", 127)),
          new EvaluationReport.ModelFigures(Evaluation.BASELINE, 0.896, new Confusion(0, 0, 1097, 103), Double.NaN, 0,
              Map.of(), Map.of())),
      List.of(new EvaluationReport.DriftFigures("rollWear start=1s", "calendering.density.mean", "roll",
          new DriftDelay.Result(Optional.of(1), 1, 1), new DriftDelay.Result(Optional.empty(), 0, 40))),
      List.of("something left out"));

  @Test
  void printsEveryModelSideBySideWithTheFaultyShareOfTheScoredAndOfAllCells() {
    String text = EvaluationTable.format(REPORT);
    assertTrue(text.contains("103 faulty: 8.6 % of the scored, 5.1 % of trained and scored"), text);
    assertTrue(text.lines().anyMatch(l -> l.startsWith("ROC-AUC") && l.contains("0.897") && l.contains("0.896")), text);
    // 99 / (99 + 150) and 150 / (150 + 947)
    assertTrue(text.lines().anyMatch(l -> l.startsWith("precision at threshold") && l.contains("0.398")), text);
    assertTrue(text.lines().anyMatch(l -> l.startsWith("false-alarm rate") && l.contains("0.137")), text);
    // nothing flagged: precision and root cause are undefined, not zero
    assertTrue(text.lines().anyMatch(l -> l.startsWith("top-1 root cause") && l.contains("0.808 (n=99)")
        && l.contains("n/a (n=0)")), text);
    assertTrue(text.lines().anyMatch(l -> l.startsWith("  recall pressureLoss (15)") && l.contains("1.000")
        && l.contains("0.000")), text);
    assertTrue(text.contains("none in 40"), text);
    assertTrue(text.contains("exposure.dewPointExcess 127") && text.contains("note: something left out"), text);
  }
}
