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
}
