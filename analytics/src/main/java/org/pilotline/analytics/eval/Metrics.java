package org.pilotline.analytics.eval;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** Detection and attribution figures, computed from scores and ground truth. Pure. */
public final class Metrics {
  private Metrics() {}

  /**
   * The area under the ROC curve: the probability that a faulty cell scores above a good one,
   * ties counting one half (the Mann-Whitney U statistic with mid-ranks, divided by n₊·n₋).
   *
   * @param scores higher means more anomalous; finite
   * @param faulty the truth, aligned with {@code scores}
   * @throws IllegalArgumentException when the lengths differ, a score is not finite, or either
   *     class is empty (the area is then undefined)
   */
  public static double rocAuc(double[] scores, boolean[] faulty) {
    if (scores.length != faulty.length) {
      throw new IllegalArgumentException(scores.length + " scores but " + faulty.length + " labels");
    }
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(scores[i])) {
        throw new IllegalArgumentException("score " + i + " is not finite: " + scores[i]);
      }
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    double positiveRankSum = 0;
    long positives = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      // Ranks i+1 .. j+1 are tied: each gets their mean.
      double midRank = (i + 1 + j + 1) / 2.0;
      for (int k = i; k <= j; k++) {
        if (faulty[order[k]]) {
          positiveRankSum += midRank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      throw new IllegalArgumentException("ROC-AUC needs faulty and good cells: " + positives
          + " faulty, " + negatives + " good");
    }
    double u = positiveRankSum - positives * (positives + 1) / 2.0;
    return u / ((double) positives * negatives);
  }

  /** Counts flagged against faulty. */
  public static Confusion confusion(boolean[] flagged, boolean[] faulty) {
    if (flagged.length != faulty.length) {
      throw new IllegalArgumentException(flagged.length + " verdicts but " + faulty.length + " labels");
    }
    int tp = 0;
    int fp = 0;
    int tn = 0;
    int fn = 0;
    for (int i = 0; i < flagged.length; i++) {
      if (flagged[i] && faulty[i]) {
        tp++;
      } else if (flagged[i]) {
        fp++;
      } else if (faulty[i]) {
        fn++;
      } else {
        tn++;
      }
    }
    return new Confusion(tp, fp, tn, fn);
  }

  /**
   * Top-1 root-cause accuracy: the fraction of cases whose top contribution lies in a tag group
   * of an injected cause (a cell touched by two faults has two cause groups; either counts).
   *
   * @param topGroups the group of each case's top contributing feature
   * @param causeGroups the groups of each case's injected causes, aligned with {@code topGroups}
   * @return NaN when there is no case
   */
  public static double topOneAccuracy(List<String> topGroups, List<Set<String>> causeGroups) {
    if (topGroups.size() != causeGroups.size()) {
      throw new IllegalArgumentException(topGroups.size() + " top groups but " + causeGroups.size()
          + " cause sets");
    }
    if (topGroups.isEmpty()) {
      return Double.NaN;
    }
    int hits = 0;
    for (int i = 0; i < topGroups.size(); i++) {
      if (causeGroups.get(i).contains(topGroups.get(i))) {
        hits++;
      }
    }
    return (double) hits / topGroups.size();
  }
}
