package dev.negmine.core.queue;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.HardestFold;
import dev.negmine.core.mining.Triplets;

/**
 * Batch-hard over batch + queue as a streamed reduction ({@link HardestFold}): per anchor, the
 * farthest positive and the closest negative, with the same rules as the in-batch miner (ties to
 * the lowest reference index, the first candidate always counts, pairs sharing an id excluded).
 * The batch is folded first, then the queue, so "first seen" is "lowest index". Memory: O(B)
 * state; neither the B x Q matrix nor a block of it exists, and the queue is read in place.
 */
final class StreamedBatchHard {
  private StreamedBatchHard() {}

  static Triplets mine(FloatMatrix batch, long[] labels, long[] ids, QueueView queue, Distance d) {
    HardestFold fold = new HardestFold(batch, labels, ids, d);
    fold.fold(batch, labels, ids, 0);
    if (queue.size() > 0) {
      fold.fold(queue.embeddings(), queue.labels(), queue.ids(), batch.rows(), queue.squaredNorms());
    }
    int b = batch.rows();
    int n = 0;
    for (int i = 0; i < b; i++) {
      if (fold.farthest(i) >= 0 && fold.nearest(i) >= 0) {
        n++;
      }
    }
    int[] a = new int[n];
    int[] p = new int[n];
    int[] g = new int[n];
    int r = 0;
    for (int i = 0; i < b; i++) {
      if (fold.farthest(i) >= 0 && fold.nearest(i) >= 0) {
        a[r] = i;
        p[r] = fold.farthest(i);
        g[r++] = fold.nearest(i);
      }
    }
    return Triplets.of(a, p, g);
  }
}
