package dev.negmine.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The best candidates found so far for one block of anchors: per anchor, up to {@code k} entries
 * (global row, id, label, score) best first, unused slots with row -1. Partials from different
 * shards merge into the global top-k. The merge is a pure function, commutative and associative
 * (order: better score first, then lower row), so Spark may combine partials in any order and
 * retry any task without changing the result. Immutable after construction.
 */
final class Partial implements Serializable {
  private static final long serialVersionUID = 1L;

  final long[] anchorRows;
  final int k;
  final boolean similarity;
  final long[] rows;
  final long[] ids;
  final long[] labels;
  final float[] scores;

  Partial(long[] anchorRows, int k, boolean similarity, long[] rows, long[] ids, long[] labels, float[] scores) {
    if (rows.length != anchorRows.length * k || ids.length != rows.length || labels.length != rows.length
        || scores.length != rows.length) {
      throw new IllegalArgumentException("partial arrays do not match " + anchorRows.length + " anchors x " + k);
    }
    this.anchorRows = anchorRows;
    this.k = k;
    this.similarity = similarity;
    this.rows = rows;
    this.ids = ids;
    this.labels = labels;
    this.scores = scores;
  }

  /** An empty partial (every slot unused). */
  static Partial empty(long[] anchorRows, int k, boolean similarity) {
    long[] rows = new long[anchorRows.length * k];
    Arrays.fill(rows, -1);
    float[] s = new float[rows.length];
    Arrays.fill(s, Float.NaN);
    return new Partial(anchorRows, k, similarity, rows, new long[rows.length], new long[rows.length], s);
  }

  /** True when entry i ranks before entry j of {@code o}. */
  private boolean before(int i, Partial o, int j) {
    if (rows[i] < 0) {
      return false;
    }
    if (o.rows[j] < 0) {
      return true;
    }
    float a = scores[i];
    float b = o.scores[j];
    if (a != b) {
      return similarity ? a > b : a < b;
    }
    return rows[i] < o.rows[j];
  }

  /** The top k of the union, per anchor. Both partials must cover the same anchors. */
  static Partial merge(Partial x, Partial y) {
    if (!Arrays.equals(x.anchorRows, y.anchorRows) || x.k != y.k || x.similarity != y.similarity) {
      throw new IllegalStateException("merging partials of different anchor blocks");
    }
    int k = x.k;
    int n = x.anchorRows.length;
    long[] rows = new long[n * k];
    long[] ids = new long[n * k];
    long[] labels = new long[n * k];
    float[] scores = new float[n * k];
    for (int a = 0; a < n; a++) {
      int i = a * k;
      int j = a * k;
      for (int w = a * k; w < (a + 1) * k; w++) {
        Partial src;
        int at;
        boolean takeX = i < (a + 1) * k && (j >= (a + 1) * k || !y.before(j, x, i));
        if (takeX) {
          src = x;
          at = i++;
        } else {
          src = y;
          at = j++;
        }
        // shards are disjoint, so no row can come from both sides
        rows[w] = src.rows[at];
        ids[w] = src.ids[at];
        labels[w] = src.labels[at];
        scores[w] = src.scores[at];
      }
    }
    return new Partial(x.anchorRows, k, x.similarity, rows, ids, labels, scores);
  }
}
