package dev.negmine.text.mine;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Summary of a list of similarities with the definitions sentence-transformers' statistics table
 * uses (torch): the median is the lower middle value, the standard deviation is the sample one
 * ({@code n - 1}), quartiles interpolate linearly between order statistics. An empty list has NaN
 * mean, median and deviation, +inf minimum and quartiles, -inf maximum, as that table prints them.
 *
 * @param count values summarised
 */
public record ScoreSummary(int count, double mean, double median, double std, double min, double q25, double q50,
    double q75, double max) {

  /** Summarises {@code values} (not modified). */
  public static ScoreSummary of(double[] values) {
    int n = values.length;
    if (n == 0) {
      double inf = Double.POSITIVE_INFINITY;
      return new ScoreSummary(0, Double.NaN, Double.NaN, Double.NaN, inf, inf, inf, inf, Double.NEGATIVE_INFINITY);
    }
    double[] s = values.clone();
    Arrays.sort(s);
    double sum = 0;
    for (double v : s) {
      sum += v;
    }
    double mean = sum / n;
    double ss = 0;
    for (double v : s) {
      ss += (v - mean) * (v - mean);
    }
    double std = n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN;
    return new ScoreSummary(n, mean, s[(n - 1) / 2], std, s[0], quantile(s, 0.25), quantile(s, 0.5), quantile(s, 0.75),
        s[n - 1]);
  }

  /** Linear interpolation between the order statistics around {@code q * (n - 1)} (torch.quantile's default). */
  static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  /** The values by the table's row names (lower case), for JSON. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", count);
    m.put("mean", mean);
    m.put("median", median);
    m.put("std", std);
    m.put("min", min);
    m.put("25%", q25);
    m.put("50%", q50);
    m.put("75%", q75);
    m.put("max", max);
    return m;
  }

  /** The nine table rows after Count, in order: mean, median, std, min, 25%, 50%, 75%, max. */
  double[] tableValues() {
    return new double[] {mean, median, std, min, q25, q50, q75, max};
  }
}
