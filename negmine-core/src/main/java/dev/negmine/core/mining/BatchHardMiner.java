package dev.negmine.core.mining;

/**
 * {@code batch-hard} and {@code cos-batch-hard}: per anchor the farthest positive and the closest
 * negative (PML BatchHardMiner); anchors lacking either are dropped. Ties go to the lowest index.
 *
 * <p>One pass over each anchor's score row, O(Q R) with no allocation per row: the trainer calls
 * this every step. Row order: anchor ascending, one row per kept anchor.
 */
final class BatchHardMiner implements Miner {
  private final String name;
  private final MinerConfig config;

  BatchHardMiner(String name, MinerConfig config) {
    this.name = name;
    this.config = config;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public MinerConfig config() {
    return config;
  }

  @Override
  public Triplets mine(MiningBatch batch, long step) {
    ScoreRows s = new ScoreRows(batch);
    int[] hp = new int[s.queries];
    int[] hn = new int[s.queries];
    Parallel.forEachAnchor(s.queries, s.refs, i -> hardest(s, i, hp, hn));
    return Sampling.cap(compact(hp, hn), config.maxTriplets(),
        Seeds.stream(config.seed(), step, Seeds.SUBSAMPLE, 0));
  }

  /** Writes anchor i's hardest positive and negative (or -1) into hp[i], hn[i]. */
  private static void hardest(ScoreRows s, int i, int[] hp, int[] hn) {
    float[] sc = s.scores;
    long[] refLabels = s.refLabels;
    long label = s.labels[i];
    int base = i * s.refs;
    float sign = s.sign;
    int skip = s.self ? i : -1;
    int bestP = -1;
    int bestN = -1;
    float farP = Float.NEGATIVE_INFINITY;
    float nearN = Float.POSITIVE_INFINITY;
    if (s.ids == null) {
      for (int j = 0; j < s.refs; j++) {
        float x = sign * sc[base + j];
        if (refLabels[j] == label) {
          // strict comparisons keep the lowest index among equal scores; the first pair always
          // counts, so infinite or NaN scores cannot leave an anchor with pairs unmatched
          if ((x > farP || bestP < 0) && j != skip) {
            farP = x;
            bestP = j;
          }
        } else if (x < nearN || bestN < 0) {
          nearN = x;
          bestN = j;
        }
      }
    } else {
      long id = s.ids[i];
      long[] refIds = s.refIds;
      for (int j = 0; j < s.refs; j++) {
        if (j == skip || refIds[j] == id) {
          continue;
        }
        float x = sign * sc[base + j];
        if (refLabels[j] == label) {
          if (x > farP || bestP < 0) {
            farP = x;
            bestP = j;
          }
        } else if (x < nearN || bestN < 0) {
          nearN = x;
          bestN = j;
        }
      }
    }
    hp[i] = bestN < 0 ? -1 : bestP;
    hn[i] = bestP < 0 ? -1 : bestN;
  }

  static Triplets compact(int[] hp, int[] hn) {
    int n = 0;
    for (int i = 0; i < hp.length; i++) {
      if (hp[i] >= 0 && hn[i] >= 0) {
        n++;
      }
    }
    int[] a = new int[n];
    int[] p = new int[n];
    int[] g = new int[n];
    int r = 0;
    for (int i = 0; i < hp.length; i++) {
      if (hp[i] >= 0 && hn[i] >= 0) {
        a[r] = i;
        p[r] = hp[i];
        g[r++] = hn[i];
      }
    }
    return Triplets.of(a, p, g);
  }
}
