package dev.negmine.train.sampling;

import java.util.SplittableRandom;

/** See {@link BatchSampler#shuffle}. The last partial batch of an epoch is dropped. */
final class ShuffleSampler implements BatchSampler {
  private final int n;
  private final long seed;

  ShuffleSampler(int n, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("cannot sample from an empty dataset");
    }
    this.n = n;
    this.seed = seed;
  }

  @Override
  public int batchesPerEpoch(int batchSize) {
    check(batchSize);
    return n / batchSize;
  }

  @Override
  public int[][] epoch(int epoch, int batchSize) {
    int batches = batchesPerEpoch(batchSize);
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    shuffle(perm, new SplittableRandom(Seeds.derive(seed, 1, epoch)));
    int[][] out = new int[batches][batchSize];
    for (int b = 0; b < batches; b++) {
      System.arraycopy(perm, b * batchSize, out[b], 0, batchSize);
    }
    return out;
  }

  private void check(int batchSize) {
    if (batchSize < 2 || batchSize > n) {
      throw new IllegalArgumentException("batch size must be in [2, " + n + "], got " + batchSize);
    }
  }

  static void shuffle(int[] a, SplittableRandom rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
