package dev.negmine.train;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.distributed.Collective;
import dev.negmine.core.distributed.CollectiveException;

/** The check every replica of a data-parallel job passes before its first step. */
final class ReplicaCheck {
  private ReplicaCheck() {}

  /**
   * Throws unless every rank holds the same training features, labels, ids, configuration and
   * step (a hash of them, all-gathered).
   */
  static void agree(Collective c, FloatMatrix trainX, long[] labels, long[] ids, TrainConfig config, long step) {
    long h = 1125899906842597L;
    for (float v : trainX.data()) {
      h = 31 * h + Float.floatToIntBits(v);
    }
    for (long v : labels) {
      h = 31 * h + v;
    }
    for (long v : ids) {
      h = 31 * h + v;
    }
    h = 31 * h + config.toString().hashCode();
    h = 31 * h + step;
    long[] all = c.allGather(new long[] {h});
    for (int r = 0; r < all.length; r++) {
      if (all[r] != all[0]) {
        throw new CollectiveException("rank " + r + " has another configuration, training data or step than rank 0");
      }
    }
  }
}
