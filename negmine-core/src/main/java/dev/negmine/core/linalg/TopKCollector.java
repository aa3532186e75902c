package dev.negmine.core.linalg;

import java.util.Arrays;

/**
 * A {@link BlockVisitor} keeping, per query row, a bounded max-heap of its {@code k} best keys, so
 * top-k over a million keys needs O(queries * k) memory besides the streamed blocks.
 *
 * <p>Heaps rank by a distance-like key (similarities negated: smaller is better) and put the worst
 * entry (largest key, ties: largest index) at the root. Blocks of one row range arrive from one
 * thread in increasing column order (the BlockVisitor contract), so a newcomer tying the root has
 * the larger index and loses: a strict comparison against the root implements "ties to the lowest
 * index". Each row's heap is touched by one thread only; the caller reads the result after the
 * parallel run has joined.
 */
final class TopKCollector implements BlockVisitor {
  private final int k;
  private final boolean similarity;
  private final int[] size;
  private final int[] index;
  private final float[] key;

  TopKCollector(int queries, int k, boolean similarity) {
    this.k = k;
    this.similarity = similarity;
    this.size = new int[queries];
    this.index = new int[queries * k];
    this.key = new float[queries * k];
  }

  @Override
  public void accept(int rowStart, int rowEnd, int colStart, int colEnd, float[] block) {
    if (k == 0) {
      return;
    }
    int w = colEnd - colStart;
    for (int r = rowStart; r < rowEnd; r++) {
      int base = r * k;
      int sz = size[r];
      float worst = sz == k ? key[base] : Float.POSITIVE_INFINITY;
      int o = (r - rowStart) * w;
      for (int j = 0; j < w; j++) {
        float v = similarity ? -block[o + j] : block[o + j];
        if (v < worst || (sz < k && v == v)) {
          if (sz < k) {
            siftUp(base, sz, v, colStart + j);
            sz++;
          } else {
            siftDown(base, v, colStart + j);
          }
          worst = sz == k ? key[base] : Float.POSITIVE_INFINITY;
        }
      }
      size[r] = sz;
    }
  }

  /** Drains every heap into best-first order. */
  TopK result() {
    int queries = size.length;
    int[] outIdx = new int[queries * k];
    float[] outScore = new float[queries * k];
    Arrays.fill(outIdx, -1);
    Arrays.fill(outScore, Float.NaN);
    for (int q = 0; q < queries; q++) {
      int base = q * k;
      for (int sz = size[q]; sz > 0; sz--) {
        // The root is the worst remaining entry: it takes the last free rank.
        outIdx[base + sz - 1] = index[base];
        float v = key[base];
        outScore[base + sz - 1] = similarity ? -v : v;
        int lastIdx = index[base + sz - 1];
        float lastKey = key[base + sz - 1];
        siftDownWithin(base, sz - 1, lastKey, lastIdx);
      }
    }
    return new TopK(queries, k, outIdx, outScore);
  }

  private static boolean worse(float ka, int ia, float kb, int ib) {
    return ka > kb || (ka == kb && ia > ib);
  }

  private void siftUp(int base, int pos, float v, int idx) {
    while (pos > 0) {
      int parent = (pos - 1) >>> 1;
      if (!worse(v, idx, key[base + parent], index[base + parent])) {
        break;
      }
      key[base + pos] = key[base + parent];
      index[base + pos] = index[base + parent];
      pos = parent;
    }
    key[base + pos] = v;
    index[base + pos] = idx;
  }

  private void siftDown(int base, float v, int idx) {
    siftDownWithin(base, k, v, idx);
  }

  /** Places (v, idx) at the root of the heap of {@code n} entries and restores heap order. */
  private void siftDownWithin(int base, int n, float v, int idx) {
    int pos = 0;
    while (true) {
      int child = 2 * pos + 1;
      if (child >= n) {
        break;
      }
      int right = child + 1;
      if (right < n && worse(key[base + right], index[base + right], key[base + child], index[base + child])) {
        child = right;
      }
      if (!worse(key[base + child], index[base + child], v, idx)) {
        break;
      }
      key[base + pos] = key[base + child];
      index[base + pos] = index[base + child];
      pos = child;
    }
    if (n > 0) {
      key[base + pos] = v;
      index[base + pos] = idx;
    }
  }
}
