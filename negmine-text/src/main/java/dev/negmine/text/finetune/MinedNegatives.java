package dev.negmine.text.finetune;

import java.util.Map;

/**
 * What {@link HardNegativeMiner} chose: per query the corpus rows of its negatives with their
 * similarities (most similar first; fewer than asked when too few candidates survived), the
 * similarity of each of its positives, and how many candidates each filter removed. Arrays are
 * owned by this record; callers must not modify them.
 *
 * @param negatives per query, corpus rows of the chosen negatives
 * @param negativeScores per query, their similarities, aligned with {@code negatives}
 * @param positiveScores per query, the similarity of each positive, aligned with the positives given
 * @param skipped per filter ({@code absolute_margin}, {@code relative_margin}, {@code max_score},
 *     {@code min_score}, in the order they are applied), the candidates it removed; only filters
 *     that removed any are present
 * @param rangeMax the candidate depth used
 * @param requested negatives asked for per query
 */
public record MinedNegatives(int[][] negatives, float[][] negativeScores, float[][] positiveScores,
    Map<String, Skipped> skipped, int rangeMax, int requested) {

  /**
   * @param count candidates the filter removed
   * @param ratio {@code count} over the candidates still in play when the filter ran, counted as
   *     sentence-transformers counts them (the whole candidate window, positives included)
   * @param value the filter's parameter
   */
  public record Skipped(long count, double ratio, double value) {}

  public int queries() {
    return negatives.length;
  }
}
