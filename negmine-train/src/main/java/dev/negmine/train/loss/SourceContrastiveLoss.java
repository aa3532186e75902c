package dev.negmine.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The contrastive loss over negatives from any source: each distinct (anchor, positive) pair pays
 * {@code max(0, d(a,p) - posMargin)}, each distinct (anchor, negative) pair pays
 * {@code max(0, negMargin - d(a,n))}, L2 distances; each side reduced on its own, then summed
 * (as {@link Losses#contrastive}). Every paired positive counts, whether or not its negative lies
 * farther.
 */
public record SourceContrastiveLoss(double posMargin, double negMargin, Reduction reduction) implements SourceLoss {
  public SourceContrastiveLoss {
    if (!(posMargin >= 0) || !(negMargin > posMargin) || reduction == null) {
      throw new IllegalArgumentException("contrastive margins need 0 <= pos < neg and a reduction, got " + posMargin
          + ", " + negMargin);
    }
  }

  @Override
  public String name() {
    return "contrastive(pos=" + posMargin + ", neg=" + negMargin + ")";
  }

  @Override
  public NDArray compute(NDArray live, NDArray constants, StepTuples t) {
    if (t.pairs().size() == 0) {
      return Losses.zero(live);
    }
    NDArray table = constants == null ? live : NDArrays.concat(new NDList(live, constants), 0);
    Set<Long> pos = new LinkedHashSet<>();
    Set<Long> neg = new LinkedHashSet<>();
    for (int i = 0; i < t.pairs().size(); i++) {
      int k = t.termNegative()[i];
      pos.add(((long) t.negAnchor()[k] << 32) | t.termPositive()[i]);
      neg.add(((long) t.negAnchor()[k] << 32) | t.negRow()[k]);
    }
    NDArray dp = distances(table, pos);
    NDArray dn = distances(table, neg);
    NDArray lp = Losses.reduce(dp.sub((float) posMargin).maximum(0f), reduction);
    NDArray ln = Losses.reduce(dn.neg().add((float) negMargin).maximum(0f), reduction);
    return lp.add(ln);
  }

  private static NDArray distances(NDArray table, Set<Long> pairs) {
    int[] a = new int[pairs.size()];
    int[] b = new int[pairs.size()];
    int k = 0;
    for (long key : pairs) {
      a[k] = (int) (key >>> 32);
      b[k++] = (int) key;
    }
    return Losses.l2(Losses.rows(table, a), Losses.rows(table, b));
  }
}
