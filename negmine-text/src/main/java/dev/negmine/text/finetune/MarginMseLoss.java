package dev.negmine.text.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Margin-MSE distillation (Hofstätter et al. 2020; sentence-transformers' {@code MarginMSELoss}):
 * the mean over queries {@code i} and their hard negatives {@code j} of
 * {@code ((s(q_i, p_i) - s(q_i, n_ij)) - (t(q_i, p_i) - t(q_i, n_ij)))^2}, {@code s} the dot
 * product of the trained model's unit vectors (its cosine, unscaled: sentence-transformers'
 * default {@code pairwise_dot_score} on a normalising model) and {@code t} the teacher's score of
 * the same pair. Only each query's own positive and hard negatives enter (no in-batch terms, no
 * masks): the teacher's margin may be negative, and then the loss teaches that order. Pure.
 */
public final class MarginMseLoss {
  private MarginMseLoss() {}

  /**
   * @param queries {@code [B, d]}
   * @param docs {@code [C, d]}, {@code C = B (1 + h)}, {@code h >= 1}: rows {@code 0..B-1} the
   *     positives, row {@code B + j B + i} query {@code i}'s {@code j}-th hard negative
   * @param teacher row-major {@code [B, C]} teacher scores of (query, column); only each query's own
   *     positive and hard-negative columns are read
   */
  public static NDArray loss(NDManager scope, NDArray queries, NDArray docs, float[] teacher) {
    long b = queries.getShape().get(0);
    long c = docs.getShape().get(0);
    long dim = queries.getShape().get(1);
    if (c < 2 * b || c % b != 0 || teacher.length != b * c) {
      throw new IllegalArgumentException("margin-MSE needs C = B (1 + h), h >= 1, and a B x C teacher: B " + b + ", C " + c
          + ", teacher " + teacher.length);
    }
    int h = (int) (c / b - 1);
    float[] target = new float[(int) (h * b)];
    for (int j = 0; j < h; j++) {
      for (int i = 0; i < b; i++) {
        target[(int) (j * b + i)] = teacher[(int) (i * c + i)] - teacher[(int) (i * c + b + j * b + i)];
      }
    }
    NDArray pos = queries.mul(docs.get(new NDIndex(":{}", b))).sum(new int[] {1}); // [B]
    NDArray neg = docs.get(new NDIndex("{}:", b)).reshape(h, b, dim).mul(queries.expandDims(0)).sum(new int[] {2}); // [h, B]
    NDArray diff = pos.expandDims(0).sub(neg).sub(scope.create(target, new Shape(h, b)));
    return diff.mul(diff).mean();
  }
}
