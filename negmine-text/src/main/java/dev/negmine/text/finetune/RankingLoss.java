package dev.negmine.text.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Multiple-negatives ranking loss (sentence-transformers' {@code MultipleNegativesRankingLoss};
 * InfoNCE): for query {@code i}, cross-entropy of {@code scale * cos(q_i, d_c)} over every document
 * column {@code c} of the step (the batch's positives, then the hard negatives), the right answer
 * being column {@code i}. A column holding one of query {@code i}'s judged positives (other than
 * column {@code i} itself) is masked out of its softmax: a relevant document is never a negative,
 * whichever source brought it. The symmetric form adds the cross-entropy of each positive over
 * the batch's queries and averages the two ({@code MultipleNegativesSymmetricRankingLoss}).
 * Inputs are unit vectors; the loss is the mean over queries.
 *
 * <p>Qwen3-Embedding's in-loss mask ({@link #inLossMask}) drops, per query, the columns the model
 * being trained already scores above the query's positive by more than a margin: likely unjudged
 * positives, whose push-away would teach the model to rank relevant documents down. The mask is
 * read from the scores' values and carries no gradient (it is a selection, not a function to differentiate).
 */
public final class RankingLoss {
  /** Added to a masked logit: exp of it is 0 in float, and it stays finite (no NaN gradients). */
  static final float MASKED = -1e9f;

  private RankingLoss() {}

  /**
   * @param queries {@code [B, d]}
   * @param docs {@code [C, d]}, {@code C >= B}, rows {@code 0..B-1} the queries' positives
   * @param masked row-major {@code [B, C]}: true where column {@code c} is a judged positive of
   *     query {@code i} other than its own column (the diagonal must be false)
   */
  public static NDArray loss(NDManager scope, NDArray queries, NDArray docs, boolean[] masked, double scale, boolean symmetric) {
    long b = queries.getShape().get(0);
    long c = docs.getShape().get(0);
    if (c < b || masked.length != b * c) {
      throw new IllegalArgumentException("need C >= B and a B x C mask: B " + b + ", C " + c + ", mask " + masked.length);
    }
    float[] add = new float[masked.length];
    float[] target = new float[(int) (b * c)];
    for (int i = 0; i < b; i++) {
      if (masked[(int) (i * c + i)]) {
        throw new IllegalArgumentException("query " + i + ": its own positive is masked");
      }
      target[(int) (i * c + i)] = 1f;
    }
    for (int k = 0; k < masked.length; k++) {
      add[k] = masked[k] ? MASKED : 0f;
    }
    NDArray mask = scope.create(add, new Shape(b, c));
    NDArray onehot = scope.create(target, new Shape(b, c));
    NDArray logits = queries.matMul(docs.transpose()).mul((float) scale).add(mask);
    NDArray forward = logits.logSoftmax(1).mul(onehot).sum().neg().div(b);
    if (!symmetric) {
      return forward;
    }
    NDArray square = logits.get(new NDIndex(":, :{}", b));
    NDArray eye = onehot.get(new NDIndex(":, :{}", b));
    NDArray backward = square.logSoftmax(0).mul(eye).sum().neg().div(b);
    return forward.add(backward).div(2f);
  }

  /**
   * As {@link #loss(NDManager, NDArray, NDArray, boolean[], double, boolean)} with {@code loss}'s
   * scale and symmetry, and, when {@code loss.inLossMargin()} is set, {@link #inLossMask} added to
   * {@code masked} (the symmetric term reuses the same mask).
   */
  public static NDArray loss(NDManager scope, NDArray queries, NDArray docs, boolean[] masked, FineTuneConfig.Loss loss) {
    boolean[] m = masked;
    if (loss.inLossMargin() != null) {
      long b = queries.getShape().get(0);
      long c = docs.getShape().get(0);
      // host copy of the values only: the mask is not part of the graph
      float[] cos;
      try (NDArray q = queries.stopGradient(); NDArray d = docs.stopGradient(); NDArray dt = d.transpose();
          NDArray s = q.matMul(dt)) {
        cos = s.toFloatArray();
      }
      boolean[] extra = inLossMask(cos, (int) b, (int) c, loss.inLossMargin());
      m = masked.clone();
      for (int k = 0; k < m.length; k++) {
        m[k] |= extra[k];
      }
    }
    return loss(scope, queries, docs, m, loss.scale(), loss.symmetric());
  }

  /**
   * Qwen3-Embedding's mask: true where {@code c != i} and {@code cos[i][c] > cos[i][i] + margin}
   * (unscaled cosines; an absolute margin, so a positive scoring below zero still sets the bar at
   * its own score plus the margin).
   *
   * @param cos row-major {@code [b, c]} query-column cosines, column {@code i < b} query {@code i}'s positive
   */
  public static boolean[] inLossMask(float[] cos, int b, int c, double margin) {
    if (cos.length != b * c || c < b) {
      throw new IllegalArgumentException("cosines of " + cos.length + " for " + b + " x " + c);
    }
    boolean[] out = new boolean[cos.length];
    for (int i = 0; i < b; i++) {
      double bar = cos[i * c + i] + margin;
      for (int k = 0; k < c; k++) {
        out[i * c + k] = k != i && cos[i * c + k] > bar;
      }
    }
    return out;
  }
}
