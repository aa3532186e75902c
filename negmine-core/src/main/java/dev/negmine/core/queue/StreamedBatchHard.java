package dev.negmine.core.queue;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.mining.Triplets;

/**
 * Batch-hard over batch + queue as a streamed reduction: per anchor, the farthest positive and the
 * closest negative, with the same rules as the in-batch miner (ties to the lowest reference index,
 * the first candidate always counts, pairs sharing an id excluded). The batch part is visited
 * first, then the queue blocks in increasing column order, so "first seen" is "lowest index".
 * Memory: O(B) state plus the kernel's blocks; the B x Q matrix never exists.
 *
 * <p>Per-row state is touched by one thread per pass (the BlockVisitor contract), and the second
 * pass starts after the first returned, so plain arrays suffice.
 */
final class StreamedBatchHard {
  private final long[] labels;
  private final long[] ids;
  private final float sign;
  private final int[] bestP;
  private final int[] bestN;
  private final float[] farP;
  private final float[] nearN;

  private StreamedBatchHard(long[] labels, long[] ids, Distance d) {
    int b = labels.length;
    this.labels = labels;
    this.ids = ids;
    this.sign = d.isSimilarity() ? -1f : 1f;
    this.bestP = new int[b];
    this.bestN = new int[b];
    this.farP = new float[b];
    this.nearN = new float[b];
    java.util.Arrays.fill(bestP, -1);
    java.util.Arrays.fill(bestN, -1);
  }

  static Triplets mine(FloatMatrix batch, long[] labels, long[] ids, QueueView queue, Distance d) {
    StreamedBatchHard s = new StreamedBatchHard(labels, ids, d);
    int b = batch.rows();
    Similarities.forEachBlock(batch, batch, d,
        (r0, r1, c0, c1, block) -> s.visit(r0, r1, c0, c1, block, 0, labels, ids));
    if (queue.size() > 0) {
      long[] ql = queue.labels();
      long[] qi = queue.ids();
      int[][] excluded = excludedColumns(labels, ids, ql, qi);
      Similarities.forEachBlock(batch, queue.embeddings(), d,
          (r0, r1, c0, c1, block) -> s.visitQueue(r0, r1, c0, c1, block, b, ql, qi, excluded));
    }
    return s.result();
  }

  private void visit(int r0, int r1, int c0, int c1, float[] block, int offset, long[] refLabels, long[] refIds) {
    int w = c1 - c0;
    for (int i = r0; i < r1; i++) {
      long label = labels[i];
      long id = ids[i];
      int p = bestP[i];
      int n = bestN[i];
      float fp = farP[i];
      float nn = nearN[i];
      int o = (i - r0) * w;
      for (int j = 0; j < w; j++) {
        int col = c0 + j;
        if (refIds[col] == id) {
          continue;
        }
        float x = sign * block[o + j];
        if (refLabels[col] == label) {
          if (x > fp || p < 0) {
            fp = x;
            p = offset + col;
          }
        } else if (x < nn || n < 0) {
          nn = x;
          n = offset + col;
        }
      }
      bestP[i] = p;
      bestN[i] = n;
      farP[i] = fp;
      nearN[i] = nn;
    }
  }

  /**
   * The queue pass. Per anchor the few queue columns sharing its label or id are listed up front,
   * so positives are read from that list, and the closest negative comes from a branch-free
   * min (max) over the block row; only when that beats the anchor's best so far is its first
   * occurrence looked up, and only when that column is excluded is the row scanned again with the
   * exclusions, which keeps "lowest index among equals" exact.
   */
  private void visitQueue(int r0, int r1, int c0, int c1, float[] block, int offset, long[] refLabels, long[] refIds,
      int[][] excluded) {
    int w = c1 - c0;
    boolean similarity = sign < 0;
    for (int i = r0; i < r1; i++) {
      long label = labels[i];
      long id = ids[i];
      int o = (i - r0) * w;
      int[] ex = excluded[i];
      int p = bestP[i];
      float fp = farP[i];
      for (int k = lowerBound(ex, c0); k < ex.length && ex[k] < c1; k++) {
        int col = ex[k];
        if (refIds[col] == id) {
          continue;
        }
        float x = sign * block[o + col - c0];
        if (x > fp || p < 0) {
          fp = x;
          p = offset + col;
        }
      }
      bestP[i] = p;
      farP[i] = fp;
      float extreme = similarity ? rowMax(block, o, w) : rowMin(block, o, w);
      if (sign * extreme < nearN[i] || bestN[i] < 0) {
        // The first column holding the extreme is the block's lowest-index best; take it unless excluded.
        int first = indexOf(block, o, w, extreme);
        if (first >= 0 && refLabels[c0 + first] != label && refIds[c0 + first] != id) {
          bestN[i] = offset + c0 + first;
          nearN[i] = sign * extreme;
          continue;
        }
        int n = bestN[i];
        float nn = nearN[i];
        for (int j = 0; j < w; j++) {
          int col = c0 + j;
          if (refLabels[col] == label || refIds[col] == id) {
            continue;
          }
          float x = sign * block[o + j];
          if (x < nn || n < 0) {
            nn = x;
            n = offset + col;
          }
        }
        bestN[i] = n;
        nearN[i] = nn;
      }
    }
  }

  private static int indexOf(float[] block, int o, int w, float v) {
    for (int j = 0; j < w; j++) {
      if (block[o + j] == v) {
        return j;
      }
    }
    return -1;
  }

  private static float rowMin(float[] block, int o, int w) {
    float m = Float.POSITIVE_INFINITY;
    for (int j = 0; j < w; j++) {
      m = Math.min(m, block[o + j]);
    }
    return m;
  }

  private static float rowMax(float[] block, int o, int w) {
    float m = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < w; j++) {
      m = Math.max(m, block[o + j]);
    }
    return m;
  }

  private static int lowerBound(int[] a, int key) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Per anchor, the ascending queue columns with its label or its id: O(Q) hash lookups. */
  private static int[][] excludedColumns(long[] labels, long[] ids, long[] ql, long[] qi) {
    java.util.Map<Long, IntList> byLabel = new java.util.HashMap<>();
    java.util.Map<Long, IntList> byId = new java.util.HashMap<>();
    for (int i = 0; i < labels.length; i++) {
      byLabel.computeIfAbsent(labels[i], l -> new IntList());
      byId.computeIfAbsent(ids[i], l -> new IntList());
    }
    for (int col = 0; col < ql.length; col++) {
      IntList l = byLabel.get(ql[col]);
      if (l != null) {
        l.add(col);
      }
      IntList m = byId.get(qi[col]);
      if (m != null) {
        m.add(col);
      }
    }
    int[][] out = new int[labels.length][];
    for (int i = 0; i < labels.length; i++) {
      IntList a = byLabel.get(labels[i]);
      IntList b = byId.get(ids[i]);
      int[] merged = java.util.Arrays.copyOf(a.values, a.size + b.size);
      System.arraycopy(b.values, 0, merged, a.size, b.size);
      java.util.Arrays.sort(merged);
      out[i] = merged;
    }
    return out;
  }

  /** A growable int array. */
  private static final class IntList {
    int[] values = new int[8];
    int size;

    void add(int v) {
      if (size == values.length) {
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }
  }

  private Triplets result() {
    int n = 0;
    for (int i = 0; i < bestP.length; i++) {
      if (bestP[i] >= 0 && bestN[i] >= 0) {
        n++;
      }
    }
    int[] a = new int[n];
    int[] p = new int[n];
    int[] g = new int[n];
    int r = 0;
    for (int i = 0; i < bestP.length; i++) {
      if (bestP[i] >= 0 && bestN[i] >= 0) {
        a[r] = i;
        p[r] = bestP[i];
        g[r++] = bestN[i];
      }
    }
    return Triplets.of(a, p, g);
  }
}
