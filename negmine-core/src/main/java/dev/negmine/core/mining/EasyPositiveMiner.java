package dev.negmine.core.mining;

/**
 * {@code easy-positive} (PML BatchEasyHardMiner with its defaults, pos EASY / neg SEMIHARD, after
 * Xuan et al. 2020): per anchor the closest positive, then the closest negative strictly farther
 * from the anchor than that positive. Anchors without a positive or without such a negative are
 * dropped. Ties go to the lowest index.
 *
 * <p>Two passes over each anchor's score row, O(Q R). Row order: anchor ascending, one row per
 * kept anchor.
 */
final class EasyPositiveMiner implements Miner {
  private final MinerConfig config;

  EasyPositiveMiner(MinerConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "easy-positive";
  }

  @Override
  public MinerConfig config() {
    return config;
  }

  @Override
  public Triplets mine(MiningBatch batch, long step) {
    ScoreRows s = new ScoreRows(batch);
    int[] ep = new int[s.queries];
    int[] sn = new int[s.queries];
    Parallel.forEachAnchor(s.queries, s.refs, i -> {
      int bestP = -1;
      float nearP = Float.POSITIVE_INFINITY;
      for (int j = 0; j < s.refs; j++) {
        if (s.isPositive(i, j)) {
          float x = s.dl(i, j);
          if (bestP < 0 || x < nearP) {
            nearP = x;
            bestP = j;
          }
        }
      }
      int bestN = -1;
      if (bestP >= 0) {
        float nearN = Float.POSITIVE_INFINITY;
        for (int j = 0; j < s.refs; j++) {
          if (s.isNegative(i, j)) {
            float x = s.dl(i, j);
            if (x > nearP && (bestN < 0 || x < nearN)) {
              nearN = x;
              bestN = j;
            }
          }
        }
      }
      ep[i] = bestN < 0 ? -1 : bestP;
      sn[i] = bestN;
    });
    return Sampling.cap(BatchHardMiner.compact(ep, sn), config.maxTriplets(),
        Seeds.stream(config.seed(), step, Seeds.SUBSAMPLE, 0));
  }
}
