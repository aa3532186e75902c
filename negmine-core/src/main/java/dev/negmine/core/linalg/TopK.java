package dev.negmine.core.linalg;

import java.util.Objects;

/**
 * The {@code k} best keys for each of {@code queries} queries, as returned by {@link
 * Similarities#topK}. Row-major: entry {@code r} (0 = best) of query {@code q} is at {@code q * k +
 * r}. "Best" follows the distance kind (largest similarity, smallest distance); equal scores are
 * ordered by increasing key index. A slot that could not be filled (only possible when some scores
 * are NaN, which never rank) holds index -1 and score NaN.
 *
 * <p>The arrays are shared, not copied (record equality compares them by reference).
 */
public record TopK(int queries, int k, int[] indices, float[] scores) {
  public TopK {
    Objects.requireNonNull(indices, "indices");
    Objects.requireNonNull(scores, "scores");
    if (queries < 0 || k < 0) {
      throw new IllegalArgumentException("negative shape " + queries + "x" + k);
    }
    if ((long) queries * k != indices.length || indices.length != scores.length) {
      throw new IllegalArgumentException("shape " + queries + "x" + k + " does not match "
          + indices.length + " indices and " + scores.length + " scores");
    }
  }

  /** Key index of the {@code rank}-th best key (0 = best) for query {@code q}. */
  public int index(int q, int rank) {
    return indices[slot(q, rank)];
  }

  /** Score of the {@code rank}-th best key for query {@code q}. */
  public float score(int q, int rank) {
    return scores[slot(q, rank)];
  }

  private int slot(int q, int rank) {
    if (q < 0 || q >= queries || rank < 0 || rank >= k) {
      throw new IndexOutOfBoundsException("(" + q + ", " + rank + ") of " + queries + "x" + k);
    }
    return q * k + rank;
  }
}
