package dev.negmine.core.mining;

import dev.negmine.core.linalg.FloatMatrix;

/**
 * Selects (anchor, positive, negative) tuples from one batch. Engine-agnostic: takes embeddings or
 * a precomputed score matrix, labels and optional item ids, and returns indices; the training
 * engine gathers rows by those indices so gradients flow through its own tensors.
 *
 * <p>Instances are immutable and thread-safe; randomised miners derive their randomness from the
 * configured seed and the call's {@code step}, so the same inputs give the same rows.
 *
 * <p>Rules every miner obeys: an item is never its own positive; items sharing an id are neither
 * each other's positives nor negatives (a duplicate in the batch is a false negative); ties go to
 * the lowest index.
 */
public interface Miner {
  /** The preset name, e.g. {@code batch-hard}. */
  String name();

  /** The configuration this miner runs with. */
  MinerConfig config();

  /**
   * Mines a batch against itself.
   *
   * @param embeddings B x d, not necessarily normalised (see {@link MinerConfig#normalize()})
   * @param labels B class labels
   * @param ids B item ids, or null when every row is a distinct item
   */
  default Triplets mine(FloatMatrix embeddings, long[] labels, long[] ids) {
    return mine(MiningBatch.self(embeddings, labels, ids, config()), 0L);
  }

  /** Mines a prepared batch (self or against a reference set); {@code step} seeds randomness. */
  Triplets mine(MiningBatch batch, long step);
}
