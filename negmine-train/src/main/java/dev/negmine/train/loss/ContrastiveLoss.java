package dev.negmine.train.loss;

import ai.djl.ndarray.NDArray;
import dev.negmine.core.mining.Triplets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/** See {@link Losses#contrastive}. Immutable. */
record ContrastiveLoss(double posMargin, double negMargin, Reduction reduction) implements TupleLoss {
  ContrastiveLoss {
    if (!(posMargin >= 0) || !(negMargin > posMargin)) {
      throw new IllegalArgumentException("contrastive margins need 0 <= pos < neg, got " + posMargin + ", " + negMargin);
    }
    if (reduction == null) {
      throw new IllegalArgumentException("reduction must be set");
    }
  }

  @Override
  public String name() {
    return "contrastive(pos=" + posMargin + ", neg=" + negMargin + ")";
  }

  @Override
  public NDArray compute(NDArray embeddings, long[] labels, Triplets tuples) {
    if (tuples.size() == 0) {
      return Losses.zero(embeddings);
    }
    int[][] pos = pairs(tuples.anchors(), tuples.positives());
    int[][] neg = pairs(tuples.anchors(), tuples.negatives());
    NDArray dp = Losses.l2(Losses.rows(embeddings, pos[0]), Losses.rows(embeddings, pos[1]));
    NDArray dn = Losses.l2(Losses.rows(embeddings, neg[0]), Losses.rows(embeddings, neg[1]));
    NDArray lp = Losses.reduce(dp.sub((float) posMargin).maximum(0f), reduction);
    NDArray ln = Losses.reduce(dn.neg().add((float) negMargin).maximum(0f), reduction);
    return lp.add(ln);
  }

  /** Distinct (i, j) pairs, in first-seen order. */
  private static int[][] pairs(int[] a, int[] b) {
    Set<Long> seen = new LinkedHashSet<>();
    for (int r = 0; r < a.length; r++) {
      seen.add(((long) a[r] << 32) | b[r]);
    }
    int[] i = new int[seen.size()];
    int[] j = new int[seen.size()];
    int k = 0;
    for (long key : seen) {
      i[k] = (int) (key >>> 32);
      j[k++] = (int) key;
    }
    return new int[][] {Arrays.copyOf(i, k), Arrays.copyOf(j, k)};
  }
}
