package dev.negmine.train.sampling;

/**
 * Splits one epoch of a dataset into batches of row indices. Deterministic: the batches are a pure
 * function of (seed, epoch, batch size), so a resumed run sees exactly the batches an
 * uninterrupted one would. Implementations are immutable and thread-safe.
 */
public interface BatchSampler {
  /** The batches of {@code epoch} (0-based) at {@code batchSize}; every batch has that size. */
  int[][] epoch(int epoch, int batchSize);

  /** Number of batches {@link #epoch} returns at {@code batchSize}. */
  int batchesPerEpoch(int batchSize);

  /** M-per-class sampling; see {@link MPerClassSampler}. */
  static BatchSampler mPerClass(long[] labels, int m, long seed) {
    return new MPerClassSampler(labels, m, seed);
  }

  /**
   * M-per-class sampling with whole groups of sibling classes (same coarse group) dealt together,
   * so in-batch negatives are mostly siblings; see {@link MPerClassSampler}.
   */
  static BatchSampler siblings(long[] labels, int m, CoarseGroups groups, long seed) {
    if (groups == null) {
      throw new IllegalArgumentException("sibling batches need a coarse group map");
    }
    return new MPerClassSampler(labels, m, seed, groups);
  }

  /** Plain shuffling, each epoch a new seeded permutation cut into full batches. */
  static BatchSampler shuffle(int n, long seed) {
    return new ShuffleSampler(n, seed);
  }

  /**
   * The sampler a run's settings ask for: shuffled batches for self-supervised runs (they never
   * read labels), else stratified by coarse group, sibling classes together, M-per-class, or
   * shuffled, in that order of precedence.
   */
  static BatchSampler forRun(long[] labels, int mPerClass, dev.negmine.train.MoreNegatives more, long seed) {
    if (more != null && more.selfSupervised()) {
      return shuffle(labels.length, seed);
    }
    if (more != null && more.stratifyClasses() > 0) {
      return new StratifiedSampler(labels, more.groups(), more.stratifyClasses(), more.stratifyFromGroup(), seed);
    }
    if (more != null && more.siblingBatches()) {
      return siblings(labels, Math.max(1, mPerClass), more.groups(), seed);
    }
    return mPerClass > 0 ? mPerClass(labels, mPerClass, seed) : shuffle(labels.length, seed);
  }
}
