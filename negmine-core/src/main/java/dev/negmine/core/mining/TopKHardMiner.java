package dev.negmine.core.mining;

/**
 * {@code topk-hard}: per anchor its k closest negatives ({@link MinerConfig#k()}; all of them when
 * it has fewer), each paired with every positive of the anchor, as InfoNCE-style losses with hard
 * negatives consume them. Closest = smallest distance (largest similarity), ties to the lowest
 * index. Anchors without a positive or a negative yield nothing.
 *
 * <p>O(Q R k) worst case, O(Q R) typically (a candidate is compared with the current k-th first).
 * Row order: anchor ascending, positive ascending, negatives from closest to k-th closest.
 */
final class TopKHardMiner implements Miner {
  private final MinerConfig config;

  TopKHardMiner(MinerConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "topk-hard";
  }

  @Override
  public MinerConfig config() {
    return config;
  }

  @Override
  public Triplets mine(MiningBatch batch, long step) {
    ScoreRows s = new ScoreRows(batch);
    int k = config.k();
    AnchorRows[] rows = new AnchorRows[s.queries];
    Parallel.forEachAnchor(s.queries, s.refs, i -> {
      int[] pos = s.positives(i);
      if (pos.length == 0) {
        return;
      }
      int[] top = new int[Math.min(k, s.refs)];
      float[] topDist = new float[top.length];
      int n = 0;
      for (int j = 0; j < s.refs; j++) {
        if (!s.isNegative(i, j)) {
          continue;
        }
        float x = s.dl(i, j);
        // j ascends, so an equal distance never displaces an earlier index
        if (n == top.length && !(x < topDist[n - 1])) {
          continue;
        }
        int at = n == top.length ? n - 1 : n++;
        while (at > 0 && x < topDist[at - 1]) {
          top[at] = top[at - 1];
          topDist[at] = topDist[at - 1];
          at--;
        }
        top[at] = j;
        topDist[at] = x;
      }
      if (n > 0) {
        rows[i] = AnchorRows.product(pos, java.util.Arrays.copyOf(top, n));
      }
    });
    return RowEmitter.emit(rows, config.maxTriplets(),
        Seeds.stream(config.seed(), step, Seeds.SUBSAMPLE, 0), s.refs);
  }
}
