package dev.negmine.train;

import dev.negmine.core.mining.Miner;
import dev.negmine.core.mining.MinerConfig;
import dev.negmine.core.mining.MiningBatch;
import dev.negmine.core.mining.Triplets;
import java.util.SplittableRandom;

/**
 * The no-mining baseline of the {@code random} recipe: per anchor, one uniformly random positive and
 * one uniformly random negative, ignoring the scores. Seeded by (config seed, step).
 */
public final class RandomTriplets implements Miner {
  public static final String NAME = "random";
  private final MinerConfig config;

  public RandomTriplets(MinerConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public MinerConfig config() {
    return config;
  }

  @Override
  public Triplets mine(MiningBatch batch, long step) {
    SplittableRandom rnd = new SplittableRandom(dev.negmine.train.sampling.Seeds.derive(config.seed(), 3, step));
    int q = batch.size();
    int r = batch.refSize();
    int[] a = new int[q];
    int[] p = new int[q];
    int[] n = new int[q];
    int[] pos = new int[r];
    int[] neg = new int[r];
    int t = 0;
    for (int i = 0; i < q; i++) {
      int np = 0;
      int nn = 0;
      for (int j = 0; j < r; j++) {
        if (!batch.pairable(i, j)) {
          continue;
        }
        if (batch.labels()[i] == batch.refLabels()[j]) {
          pos[np++] = j;
        } else {
          neg[nn++] = j;
        }
      }
      if (np > 0 && nn > 0) {
        a[t] = i;
        p[t] = pos[rnd.nextInt(np)];
        n[t] = neg[rnd.nextInt(nn)];
        t++;
      }
    }
    return Triplets.of(a, p, n, t);
  }
}
