package dev.negmine.core.internal.vector;

/**
 * Operands and state of {@link VectorKernels#foldHardest}: key rows (row-major) scored against
 * anchors (packed with width {@link VectorKernels#tileCols()}) and folded into per-anchor
 * batch-hard state. Class and id codes are ints that are equal exactly when the underlying labels
 * (ids) are; anchor arrays and the state are padded to whole panels, padding lanes carrying codes
 * no key uses. Values are kept in distance orientation ({@code sign * score}, sign -1 for
 * similarities), so "farther" is always larger.
 *
 * <p>Mutable and not thread-safe as a whole: concurrent folds must touch disjoint column ranges.
 */
public final class HardestArgs {
  public final float[] keys;
  public final int dim;
  /** Per key row: inverse norm (cosine) or squared norm (L2 kinds); null for RAW. */
  public final float[] keyFactor;
  public final int[] keyClass;
  public final int[] keyId;
  public final float[] anchors;
  public final float[] anchorFactor;
  public final int[] anchorClass;
  public final int[] anchorId;
  public final Finish finish;
  /** +1 for distances, -1 for similarities. */
  public final float sign;
  /** Added to a key row's index before it is recorded. */
  public final int indexOffset;
  /** Farthest same-class key per anchor (distance orientation) and its index, -1 when none. */
  public final float[] far;
  public final int[] farIndex;
  /** Nearest other-class key per anchor (distance orientation) and its index, -1 when none. */
  public final float[] near;
  public final int[] nearIndex;
  /**
   * For {@link Finish#L2}: the squared distance whose root is {@code near}, kept by kernels that
   * compare squared values first (the root is monotone, so a key whose square is not below it
   * cannot be nearer) and take roots only for the few candidates that are.
   */
  public final float[] nearSquared;

  public HardestArgs(float[] keys, int dim, float[] keyFactor, int[] keyClass, int[] keyId,
      float[] anchors, float[] anchorFactor, int[] anchorClass, int[] anchorId, Finish finish, float sign,
      int indexOffset, float[] far, int[] farIndex, float[] near, int[] nearIndex, float[] nearSquared) {
    this.keys = keys;
    this.dim = dim;
    this.keyFactor = keyFactor;
    this.keyClass = keyClass;
    this.keyId = keyId;
    this.anchors = anchors;
    this.anchorFactor = anchorFactor;
    this.anchorClass = anchorClass;
    this.anchorId = anchorId;
    this.finish = finish;
    this.sign = sign;
    this.indexOffset = indexOffset;
    this.far = far;
    this.farIndex = farIndex;
    this.near = near;
    this.nearIndex = nearIndex;
    this.nearSquared = nearSquared;
  }

  /**
   * The scalar fold of one finished score {@code v} between key row {@code row} and anchor column
   * {@code j}: keys sharing the anchor's id are skipped; a same-class key replaces the farthest when
   * strictly farther (or when there is none yet), another-class key the nearest when strictly nearer
   * (or none yet). Keys are offered in increasing index order, so ties keep the lowest index.
   */
  public void offer(int row, int j, float v) {
    offer(row, j, v, Float.NaN);
  }

  /** As {@link #offer(int, int, float)}, with the squared distance behind an L2 score {@code v}. */
  public void offer(int row, int j, float v, float squared) {
    if (keyId[row] == anchorId[j]) {
      return;
    }
    float x = sign * v;
    if (keyClass[row] == anchorClass[j]) {
      if (x > far[j] || farIndex[j] < 0) {
        far[j] = x;
        farIndex[j] = indexOffset + row;
      }
    } else if (x < near[j] || nearIndex[j] < 0) {
      near[j] = x;
      nearIndex[j] = indexOffset + row;
      if (finish == Finish.L2) {
        nearSquared[j] = squared;
      }
    }
  }
}
