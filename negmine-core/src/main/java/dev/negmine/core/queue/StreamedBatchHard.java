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
      Similarities.forEachBlock(batch, queue.embeddings(), d,
          (r0, r1, c0, c1, block) -> s.visit(r0, r1, c0, c1, block, b, ql, qi));
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
