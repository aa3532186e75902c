package dev.negmine.text.finetune;

import java.util.Locale;

/**
 * What counts as a hard negative of a query, with the parameters and meaning of
 * sentence-transformers' {@code mine_hard_negatives}: candidates are the corpus texts ranked by
 * similarity to the query (judged positives and documents whose text equals a positive's never
 * among them), the {@code rangeMax} most similar (plus room for the positives) considered, kept
 * only if their score is within {@code [minScore, maxScore]}, at most {@code positive -
 * absoluteMargin} and at most {@code positive - |positive| * relativeMargin}; the first {@code
 * rangeMin} of the kept are skipped; of the rest, {@code count} are taken: the most similar
 * ({@code top}) or a seeded random choice ({@code random}). With several positives the margins
 * are measured from the least similar one, so a kept negative is less similar than every positive.
 * {@link HardNegativeMiner#select} states the exact steps.
 *
 * @param rangeMin skip this many of the most similar candidates that pass the filters (0)
 * @param rangeMax consider this many candidates (100; deeper costs little)
 * @param minScore drop candidates below this similarity (NaN = no bound)
 * @param maxScore drop candidates above this similarity (NaN = no bound)
 * @param absoluteMargin candidate &le; positive - this (NaN = no rule)
 * @param relativeMargin candidate &le; positive - |positive| * this (0.05: the recipe's guard against unjudged positives)
 * @param count candidates kept per query
 * @param sampling {@code top} or {@code random}
 */
public record MiningRule(int rangeMin, int rangeMax, double minScore, double maxScore, double absoluteMargin,
    double relativeMargin, int count, String sampling) {

  public static MiningRule defaults() {
    return new MiningRule(0, 100, Double.NaN, Double.NaN, Double.NaN, 0.05, 1, "top");
  }

  public MiningRule {
    sampling = sampling == null ? "top" : sampling.trim().toLowerCase(Locale.ROOT);
    if (!sampling.equals("top") && !sampling.equals("random")) {
      throw new IllegalArgumentException("--sampling must be top or random, got '" + sampling + "'");
    }
    if (rangeMin < 0 || rangeMax < 1 || rangeMin >= rangeMax) {
      throw new IllegalArgumentException("--range-min/--range-max: need 0 <= min < max, got " + rangeMin + ", " + rangeMax);
    }
    if (count < 1) {
      throw new IllegalArgumentException("--mined-per-query must be >= 1, got " + count);
    }
    if (!Double.isNaN(relativeMargin) && !(relativeMargin >= 0 && relativeMargin < 1)) {
      throw new IllegalArgumentException("--relative-margin must be in [0, 1), got " + relativeMargin);
    }
    if (!Double.isNaN(absoluteMargin) && !(absoluteMargin >= 0)) {
      throw new IllegalArgumentException("--absolute-margin must be >= 0, got " + absoluteMargin);
    }
  }

  /** This rule keeping {@code n} candidates per query. */
  public MiningRule withCount(int n) {
    return new MiningRule(rangeMin, rangeMax, minScore, maxScore, absoluteMargin, relativeMargin, n, sampling);
  }

  /** Whether a candidate of similarity {@code score} passes the score bounds and margins against {@code positive}. */
  public boolean admits(double score, double positive) {
    if (!Double.isNaN(minScore) && score < minScore) {
      return false;
    }
    if (!Double.isNaN(maxScore) && score > maxScore) {
      return false;
    }
    if (!Double.isNaN(absoluteMargin) && score > positive - absoluteMargin) {
      return false;
    }
    return Double.isNaN(relativeMargin) || score <= positive - Math.abs(positive) * relativeMargin;
  }
}
