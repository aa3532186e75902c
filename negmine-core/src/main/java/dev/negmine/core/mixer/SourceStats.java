package dev.negmine.core.mixer;

import java.util.EnumMap;
import java.util.Map;

/**
 * Per-source figures for one step: the trainer records every (anchor, negative) term of the loss,
 * then reads {@link #summary()} for its report. One instance per step and thread (not thread-safe).
 */
public final class SourceStats {
  /**
   * @param count negatives used
   * @param meanSimilarity mean anchor-negative similarity (NaN when count is 0)
   * @param activeFraction share with a positive loss term
   * @param lossShare this source's share of the step's total loss (NaN when the loss is 0)
   * @param suspectedFalseNegatives negatives scoring above the anchor's positive by more than the margin
   */
  public record Summary(long count, double meanSimilarity, double activeFraction, double lossShare,
      long suspectedFalseNegatives) {}

  private final double margin;
  private final EnumMap<NegativeSource, double[]> acc = new EnumMap<>(NegativeSource.class);

  /** @param margin how far above the positive's similarity a negative must score to be suspected */
  public SourceStats(double margin) {
    this.margin = margin;
  }

  public void record(NegativeSource source, float negativeSimilarity, float positiveSimilarity, float loss) {
    double[] a = acc.computeIfAbsent(source, s -> new double[5]);
    a[0]++;
    a[1] += negativeSimilarity;
    a[2] += loss > 0 ? 1 : 0;
    a[3] += loss;
    a[4] += negativeSimilarity > positiveSimilarity + margin ? 1 : 0;
  }

  public Map<NegativeSource, Summary> summary() {
    double totalLoss = 0;
    for (double[] a : acc.values()) {
      totalLoss += a[3];
    }
    Map<NegativeSource, Summary> out = new EnumMap<>(NegativeSource.class);
    for (Map.Entry<NegativeSource, double[]> e : acc.entrySet()) {
      double[] a = e.getValue();
      out.put(e.getKey(), new Summary((long) a[0], a[0] == 0 ? Double.NaN : a[1] / a[0], a[0] == 0 ? Double.NaN : a[2] / a[0],
          totalLoss == 0 ? Double.NaN : a[3] / totalLoss, (long) a[4]));
    }
    return out;
  }
}
