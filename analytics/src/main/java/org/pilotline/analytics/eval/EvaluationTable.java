package org.pilotline.analytics.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** Prints an {@link EvaluationReport} as plain-text tables, one column per model. */
public final class EvaluationTable {
  private EvaluationTable() {}

  public static String format(EvaluationReport r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT,
        "seed %d: %d cells run; trained on %d, scored %d (%d faulty: %s of the scored, %s of trained and scored);"
            + " %d features",
        r.seed(), r.cellsRun(), r.trainingCells(), r.scoredCells(), r.faultyScored(),
        pct((double) r.faultyScored() / r.scoredCells()),
        pct((double) r.faultyScored() / (r.scoredCells() + r.trainingCells())), r.features()));
    b.append('\n');
    if (!r.droppedFeatures().isEmpty() || r.droppedCells() > 0) {
      b.append("left out: features ").append(r.droppedFeatures()).append(", cells with a missing value ")
          .append(r.droppedCells()).append('\n');
    }
    b.append('\n');
    List<String> header = new ArrayList<>(List.of(""));
    r.models().forEach(m -> header.add(m.model()));
    List<List<String>> rows = new ArrayList<>();
    rows.add(header);
    rows.add(row(r, "ROC-AUC", m -> f3(m.rocAuc())));
    rows.add(row(r, "precision at threshold", m -> f3(m.confusion().precision())));
    rows.add(row(r, "recall at threshold", m -> f3(m.confusion().recall())));
    rows.add(row(r, "false-alarm rate (good cells)", m -> f3(m.confusion().falseAlarmRate())));
    rows.add(row(r, "flagged: faulty / good", m -> m.confusion().truePositives() + " / " + m.confusion().falsePositives()));
    rows.add(row(r, "top-1 root cause (flagged faulty)", m -> f3(m.rootCause()) + " (n=" + m.rootCauseCases() + ")"));
    for (String kind : new TreeSet<>(r.faultyByKind().keySet())) {
      int total = r.faultyByKind().get(kind);
      rows.add(row(r, "  recall " + kind + " (" + total + ")", m -> f3((double) m.detectedByKind().getOrDefault(kind, 0) / total)));
    }
    b.append(table(rows));
    if (!r.drifts().isEmpty()) {
      b.append('\n');
      List<List<String>> d = new ArrayList<>();
      d.add(List.of("drift fault", "feature", "per", "EWMA delay", "CUSUM delay", "false alarms before"));
      for (EvaluationReport.DriftFigures f : r.drifts()) {
        d.add(List.of(f.fault(), f.feature(), f.samples(), delay(f.ewma()), delay(f.cusum()),
            f.ewma().falseAlarms() + " / " + f.cusum().falseAlarms()));
      }
      b.append(table(d));
      b.append("delays in samples (1 = the first drifted sample); EWMA λ=0.1 L=2.814, CUSUM k=0.5 h=5, limits from "
          + "the training samples\n");
    }
    for (EvaluationReport.ModelFigures m : r.models()) {
      String top = m.falseAlarmsByFeature().entrySet().stream()
          .sorted(java.util.Map.Entry.<String, Integer>comparingByValue().reversed()).limit(4)
          .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
      if (!top.isEmpty()) {
        b.append("false alarms of ").append(m.model()).append(" by top feature: ").append(top).append('\n');
      }
    }
    r.notes().forEach(n -> b.append("note: ").append(n).append('\n'));
    return b.toString();
  }

  private static String delay(DriftDelay.Result r) {
    return r.delay().map(String::valueOf).orElse("none in " + r.samplesAfterOnset());
  }

  private static List<String> row(EvaluationReport r, String label,
      java.util.function.Function<EvaluationReport.ModelFigures, String> cell) {
    List<String> row = new ArrayList<>(List.of(label));
    r.models().forEach(m -> row.add(cell.apply(m)));
    return row;
  }

  private static String table(List<List<String>> rows) {
    int cols = rows.get(0).size();
    int[] w = new int[cols];
    for (List<String> row : rows) {
      for (int c = 0; c < cols; c++) {
        w[c] = Math.max(w[c], row.get(c).length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < cols; c++) {
        String v = row.get(c);
        line.append(c == 0 ? pad(v, w[c]) : "  " + padLeft(v, w[c]));
      }
      b.append(line.toString().stripTrailing()).append('\n');
    }
    return b.toString();
  }

  private static String pad(String s, int w) {
    return s + " ".repeat(Math.max(0, w - s.length()));
  }

  private static String padLeft(String s, int w) {
    return " ".repeat(Math.max(0, w - s.length())) + s;
  }

  private static String f3(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.1f %%", 100 * v);
  }
}
