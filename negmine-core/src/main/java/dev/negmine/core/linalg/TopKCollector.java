package dev.negmine.core.linalg;

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
  private final PairFilter filter;

  TopKCollector(int queries, int k, boolean similarity) {
    this(queries, k, similarity, null);
  }

  /** With a filter, only accepted (query, key) pairs compete; null accepts every pair. */
  TopKCollector(int queries, int k, boolean similarity, PairFilter filter) {
    this.filter = filter;
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
        if (filter != null && (v < worst || sz < k) && !filter.accept(r, colStart + j)) {
          continue;
        }
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

  /**
   * Offers key row {@code idx} with distance-like key {@code v} (similarities negated) to query
   * row {@code r}. Unlike {@link #accept}, the outcome does not depend on the order of offers: a
   * newcomer enters when it beats the root under (key, then index), so after any sequence of offers
   * the heap holds the {@code k} best accepted keys with ties to the lowest index. NaN never enters;
   * the filter is asked only about pairs that would enter. Callers serialise offers to one row.
   *
   * @return the row's bound after the offer: the root's key when full, else +infinity
   */
  float offer(int r, float v, int idx) {
    int base = r * k;
    int sz = size[r];
    if (v != v || (sz == k && !worse(key[base], index[base], v, idx))
        || (filter != null && !filter.accept(r, idx))) {
      return sz == k ? key[base] : Float.POSITIVE_INFINITY;
    }
    if (sz < k) {
      siftUp(base, sz, v, idx);
      size[r] = ++sz;
    } else {
      siftDown(base, v, idx);
    }
    return sz == k ? key[base] : Float.POSITIVE_INFINITY;
  }

  /**
   * Drains every heap into best-first order, in place (heapsort), and hands the arrays to the
   * result: the collector must not be used afterwards.
   */
  TopK result() {
    int queries = size.length;
    for (int q = 0; q < queries; q++) {
      int base = q * k;
      for (int sz = size[q]; sz > 0; sz--) {
        // The root is the worst remaining entry: it takes the last free rank once the last entry
        // has been sifted into the shrunk heap.
        int rootIdx = index[base];
        float rootKey = key[base];
        siftDownWithin(base, sz - 1, key[base + sz - 1], index[base + sz - 1]);
        index[base + sz - 1] = rootIdx;
        key[base + sz - 1] = rootKey;
      }
      for (int r = 0; r < k; r++) {
        if (r >= size[q]) {
          index[base + r] = -1;
          key[base + r] = Float.NaN;
        } else if (similarity) {
          key[base + r] = -key[base + r];
        }
      }
    }
    return new TopK(queries, k, index, key);
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
