package dev.negmine.core.mining;

import java.util.Arrays;

/**
 * {@code multi-similarity} (Wang et al. 2019; PML MultiSimilarityMiner with epsilon). On
 * similarities s (the preset uses cosine): keep negative n of anchor a when
 * {@code s(a,n) + eps > min over positives s(a,p)}, keep positive p when
 * {@code s(a,p) - eps < max over negatives s(a,n)}, both computed in float32 with
 * {@code eps = (float) msEpsilon}. An anchor without positives keeps no negative and one without
 * negatives keeps no positive. On a distance the same rule runs mirrored (PML's non-inverted branch).
 *
 * <p>Two passes over each anchor's score row, O(Q R) for the pairs. Pair order: anchor ascending,
 * then reference index ascending (positive and negative pairs separately). Triplet order
 * ({@link #mine}): anchor ascending, positive ascending, negative ascending: every kept positive
 * times every kept negative of the anchor, as PML's {@code convert_to_triplets}.
 */
final class MultiSimilarityMiner implements PairMiner {
  private final MinerConfig config;

  MultiSimilarityMiner(MinerConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "multi-similarity";
  }

  @Override
  public MinerConfig config() {
    return config;
  }

  @Override
  public Pairs minePairs(MiningBatch batch, long step) {
    AnchorRows[] rows = keep(batch);
    int np = 0;
    int nn = 0;
    for (AnchorRows r : rows) {
      if (r != null) {
        np += r.positives.length;
        nn += r.negatives.length;
      }
    }
    int[] pa = new int[np];
    int[] p = new int[np];
    int[] na = new int[nn];
    int[] n = new int[nn];
    np = 0;
    nn = 0;
    for (int i = 0; i < rows.length; i++) {
      AnchorRows r = rows[i];
      if (r == null) {
        continue;
      }
      Arrays.fill(pa, np, np + r.positives.length, i);
      System.arraycopy(r.positives, 0, p, np, r.positives.length);
      np += r.positives.length;
      Arrays.fill(na, nn, nn + r.negatives.length, i);
      System.arraycopy(r.negatives, 0, n, nn, r.negatives.length);
      nn += r.negatives.length;
    }
    return Pairs.of(pa, p, na, n);
  }

  @Override
  public Triplets mine(MiningBatch batch, long step) {
    ScoreRows s = new ScoreRows(batch);
    return RowEmitter.emit(keep(batch), config.maxTriplets(),
        Seeds.stream(config.seed(), step, Seeds.SUBSAMPLE, 0), s.refs);
  }

  /** Per anchor the kept positives and negatives (a product of the two), null when either is empty. */
  private AnchorRows[] keep(MiningBatch batch) {
    ScoreRows s = new ScoreRows(batch);
    float eps = (float) config.msEpsilon();
    AnchorRows[] rows = new AnchorRows[s.queries];
    Parallel.forEachAnchor(s.queries, s.refs, i -> {
      // on distance-like values x (similarities negated, exact in float32) PML's inverted rule
      // s_p - eps < max s_n becomes x_p + eps > min x_n, and s_n + eps > min s_p becomes x_n - eps < max x_p
      float minNeg = Float.POSITIVE_INFINITY;
      float maxPos = Float.NEGATIVE_INFINITY;
      int np = 0;
      int nn = 0;
      for (int j = 0; j < s.refs; j++) {
        if (s.isPositive(i, j)) {
          maxPos = Math.max(maxPos, s.dl(i, j));
          np++;
        } else if (s.isNegative(i, j)) {
          minNeg = Math.min(minNeg, s.dl(i, j));
          nn++;
        }
      }
      if (np == 0 || nn == 0) {
        return;
      }
      int[] pos = new int[np];
      int[] neg = new int[nn];
      np = 0;
      nn = 0;
      for (int j = 0; j < s.refs; j++) {
        if (s.isPositive(i, j)) {
          if (s.dl(i, j) + eps > minNeg) {
            pos[np++] = j;
          }
        } else if (s.isNegative(i, j) && s.dl(i, j) - eps < maxPos) {
          neg[nn++] = j;
        }
      }
      rows[i] = AnchorRows.product(Arrays.copyOf(pos, np), Arrays.copyOf(neg, nn));
    });
    return rows;
  }
}
