package dev.negmine.core.mining;

import dev.negmine.core.linalg.Distance;

/**
 * Read-only view of a {@link MiningBatch} for the miners' inner loops: the raw score array,
 * "distance-like" values (smaller = closer; similarities negated, which is exact in float32) and
 * the pair rules (never itself in self mode, never an item with the same id).
 */
final class ScoreRows {
  final float[] scores;
  final int queries;
  final int refs;
  /** +1 for distances, -1 for similarities: {@code dl = sign * score}. */
  final float sign;
  final Distance distance;
  final long[] labels;
  final long[] ids;
  final long[] refLabels;
  final long[] refIds;
  final boolean self;

  ScoreRows(MiningBatch b) {
    this.scores = b.scores().data();
    this.queries = b.size();
    this.refs = b.refSize();
    this.distance = b.distance();
    this.sign = b.distance().isSimilarity() ? -1f : 1f;
    this.labels = b.labels();
    this.refLabels = b.refLabels();
    this.self = b.self();
    boolean useIds = b.ids() != null && b.refIds() != null;
    this.ids = useIds ? b.ids() : null;
    this.refIds = useIds ? b.refIds() : null;
  }

  /** Distance-like value of (query i, reference j); {@code + 0f} turns -0.0 into 0.0 so ties sort as equal. */
  float dl(int i, int j) {
    return sign * scores[i * refs + j] + 0f;
  }

  /** True when j may be neither positive nor negative of i (itself, or an item with i's id). */
  boolean excluded(int i, int j) {
    return (self && i == j) || (ids != null && ids[i] == refIds[j]);
  }

  boolean isPositive(int i, int j) {
    return labels[i] == refLabels[j] && !excluded(i, j);
  }

  boolean isNegative(int i, int j) {
    return labels[i] != refLabels[j] && !excluded(i, j);
  }

  /** Reference indices of i's positives, ascending. */
  int[] positives(int i) {
    int[] out = new int[refs];
    int n = 0;
    for (int j = 0; j < refs; j++) {
      if (isPositive(i, j)) {
        out[n++] = j;
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /** Reference indices of i's negatives, ascending. */
  int[] negatives(int i) {
    int[] out = new int[refs];
    int n = 0;
    for (int j = 0; j < refs; j++) {
      if (isNegative(i, j)) {
        out[n++] = j;
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }
}
