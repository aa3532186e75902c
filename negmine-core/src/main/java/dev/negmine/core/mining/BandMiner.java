package dev.negmine.core.mining;

import java.util.Arrays;

/**
 * One miner for every {@link BandPolicy}: semihard-band, hard-band, all-band, easy-band,
 * semihard-tf and custom policies.
 *
 * <p>Per anchor the negatives are sorted once by (distance, index), O(R log R); the gap is then
 * monotone along that order, so for each positive two binary searches find its band as a
 * contiguous range, O(P log R). Rows are counted before any is written, so a
 * {@link MinerConfig#maxTriplets() cap} draws row numbers and writes only those. Total
 * O(Q R log R) plus the output size; no triplet outside the output is ever enumerated.
 *
 * <p>Row order: anchor ascending; then positive (reference index) ascending; then negatives from
 * closest to farthest, equal distances by ascending index. With {@code CLOSEST} selection or a
 * fallback each positive pair contributes at most one row. A capped result keeps that order.
 */
final class BandMiner implements Miner {
  private final String name;
  private final MinerConfig config;
  private final BandPolicy policy;

  BandMiner(String name, MinerConfig config, BandPolicy policy) {
    this.name = name;
    this.config = config;
    this.policy = policy;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public MinerConfig config() {
    return config;
  }

  BandPolicy policy() {
    return policy;
  }

  @Override
  public Triplets mine(MiningBatch batch, long step) {
    ScoreRows s = new ScoreRows(batch);
    float margin = (float) config.margin();
    float lowerGap = policy.lowerGap(margin);
    float upperGap = policy.upperGap(margin);
    AnchorRows[] rows = new AnchorRows[s.queries];
    Parallel.forEachAnchor(s.queries, s.refs, i -> rows[i] = anchorRows(s, i, lowerGap, upperGap));
    return RowEmitter.emit(rows, config.maxTriplets(),
        Seeds.stream(config.seed(), step, Seeds.SUBSAMPLE, 0), s.refs);
  }

  private AnchorRows anchorRows(ScoreRows s, int i, float lowerGap, float upperGap) {
    int[] pos = s.positives(i);
    if (pos.length == 0) {
      return null;
    }
    int base = i * s.refs;
    long[] keys = new long[s.refs];
    int nn = 0;
    for (int j = 0; j < s.refs; j++) {
      if (s.isNegative(i, j)) {
        keys[nn++] = sortKey(s.sign * s.scores[base + j] + 0f, j);
      }
    }
    if (nn == 0) {
      return null;
    }
    Arrays.sort(keys, 0, nn);
    int[] negIdx = new int[nn];
    float[] negDist = new float[nn];
    for (int k = 0; k < nn; k++) {
      negIdx[k] = (int) keys[k];
      negDist[k] = s.dl(i, negIdx[k]);
    }
    int[] lo = new int[pos.length];
    int[] hi = new int[pos.length];
    int fallbackAt = switch (policy.fallback()) {
      case DROP -> -1;
      case HARDEST -> 0;
      case EASIEST -> firstAtLeast(negDist, negDist[nn - 1]);
    };
    for (int j = 0; j < pos.length; j++) {
      float dp = s.dl(i, pos[j]);
      int from = lowerGap == Float.NEGATIVE_INFINITY ? 0 : firstGapAbove(negDist, dp, lowerGap);
      int to = upperGap == Float.POSITIVE_INFINITY ? nn : firstGapAbove(negDist, dp, upperGap);
      if (from < to) {
        lo[j] = from;
        hi[j] = policy.selection() == BandPolicy.Selection.CLOSEST ? from + 1 : to;
      } else if (fallbackAt >= 0) {
        lo[j] = fallbackAt;
        hi[j] = fallbackAt + 1;
      }
    }
    return new AnchorRows(pos, negIdx, lo, hi);
  }

  /**
   * First k with {@code (float) (dist[k] - dp) > threshold}. Float subtraction is monotone in its
   * first operand, so the predicate is false then true along the sorted distances and this finds
   * exactly the rows a per-triplet float test would keep.
   */
  static int firstGapAbove(float[] dist, float dp, float threshold) {
    int lo = 0;
    int hi = dist.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (dist[mid] - dp > threshold) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  private static int firstAtLeast(float[] dist, float v) {
    int lo = 0;
    int hi = dist.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (dist[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Packs (distance, index) into a long whose signed order is distance order, then index order:
   * the float's bits mapped to a signed int that orders like the float (negative values flipped)
   * in the high half, the non-negative index in the low half.
   */
  static long sortKey(float dist, int index) {
    int bits = Float.floatToRawIntBits(dist);
    bits ^= (bits >> 31) & 0x7fffffff;
    return ((long) bits << 32) | index;
  }
}
