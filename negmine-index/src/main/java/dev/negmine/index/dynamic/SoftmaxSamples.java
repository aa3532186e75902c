package dev.negmine.index.dynamic;

/**
 * Draws from the softmax {@code P(y|q) ∝ exp(<q, y>/tau)} over a tree's targets, with the cost of
 * drawing them.
 *
 * @param ids the drawn targets, with replacement, in draw order
 * @param logProbabilities {@code log P(ids[i] | q)} under the tree's vectors: the exact logit minus
 *     {@link #logNormalizer}; use it as the proposal log-probability in a log-Q correction
 * @param logNormalizer log of the softmax normaliser Z: exact when {@link #exhaustive} (every
 *     node expanded), otherwise an unbiased estimate of Z built from the singleton mass (exact)
 *     plus the rejection trials' hits on the unexpanded nodes
 * @param proposals rejection-sampling trials
 * @param accepted accepted trials ({@code == ids.length})
 * @param scored targets scored (one dot product each): expansion plus trials
 * @param expansions frontier nodes expanded
 * @param exhaustive whether the frontier was expanded down to single targets
 */
public record SoftmaxSamples(
    int[] ids, double[] logProbabilities, double logNormalizer, int proposals, int accepted, int scored,
    int expansions, boolean exhaustive) {
  public SoftmaxSamples {
    if (ids.length != logProbabilities.length || accepted != ids.length) {
      throw new IllegalArgumentException("ids, log-probabilities and accepted disagree: "
          + ids.length + ", " + logProbabilities.length + ", " + accepted);
    }
    if (proposals < accepted) {
      throw new IllegalArgumentException("proposals " + proposals + " < accepted " + accepted);
    }
  }

  /** Accepted over proposed trials (1 when nothing was drawn). */
  public double acceptanceRate() {
    return proposals == 0 ? 1.0 : (double) accepted / proposals;
  }
}
