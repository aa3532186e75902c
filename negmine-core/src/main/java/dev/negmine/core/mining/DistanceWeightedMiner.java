package dev.negmine.core.mining;

import dev.negmine.core.linalg.Distance;
import java.util.SplittableRandom;

/**
 * {@code distance-weighted} (Wu et al. 2017, "Sampling matters"; PML DistanceWeightedMiner): for
 * every positive pair (a, p), one negative drawn with probability proportional to 1/q(d), where
 * {@code q(d) ∝ d^(n-2) (1 - d²/4)^((n-3)/2)} is the density of the distance between two uniform
 * points on the unit sphere in n dimensions ({@link MiningBatch#dimension()}).
 *
 * <p>Weights: d is the L2 distance between unit vectors (converted from the batch's scores:
 * cosine or dot s gives {@code sqrt(2 - 2s)}, squared L2 its root), clipped below at
 * {@link MinerConfig#dwCutoff()}; {@code log w = (2 - n) ln d - ((n - 3) / 2) ln(1 - d²/4)} in
 * double, minus the anchor's largest log weight before exponentiating (stability); weight 0 for
 * d at or above {@link MinerConfig#dwNonzeroLossCutoff()}, for a non-finite log weight, and for
 * every non-negative. An anchor whose negatives all weigh 0 yields no rows (PML would divide by
 * zero).
 *
 * <p>Sampling protocol (part of the contract, so results reproduce across versions): anchor i uses
 * {@code Seeds.stream(seed, step, DISTANCE_WEIGHTED, i)}; for each positive in ascending index it
 * draws {@code u = nextDouble() * total} and takes the first negative (ascending index) whose
 * running weight sum exceeds u. O(Q R + rows log R). Row order: anchor ascending, positive
 * ascending, one row each.
 */
final class DistanceWeightedMiner implements Miner {
  private final MinerConfig config;

  DistanceWeightedMiner(MinerConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "distance-weighted";
  }

  @Override
  public MinerConfig config() {
    return config;
  }

  @Override
  public Triplets mine(MiningBatch batch, long step) {
    if (batch.dimension() < 2) {
      throw new IllegalArgumentException("distance-weighted needs the embedding dimension (>= 2) of the batch, got "
          + batch.dimension() + "; build the batch from embeddings or with MiningBatch.selfScores(..., dimension)");
    }
    ScoreRows s = new ScoreRows(batch);
    double n = batch.dimension();
    AnchorRows[] rows = new AnchorRows[s.queries];
    Parallel.forEachAnchor(s.queries, s.refs, i -> {
      int[] pos = s.positives(i);
      if (pos.length == 0) {
        return;
      }
      int[] cand = new int[s.refs];
      double[] logW = new double[s.refs];
      int c = 0;
      double maxLog = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < s.refs; j++) {
        if (!s.isNegative(i, j)) {
          continue;
        }
        double d = unitDistance(s.distance, s.scores[i * s.refs + j]);
        if (!(d < config.dwNonzeroLossCutoff())) {
          continue;
        }
        double lw = logWeight(Math.max(d, config.dwCutoff()), n);
        if (Double.isFinite(lw)) {
          cand[c] = j;
          logW[c++] = lw;
          maxLog = Math.max(maxLog, lw);
        }
      }
      double[] cum = new double[c];
      double total = 0;
      for (int k = 0; k < c; k++) {
        total += Math.exp(logW[k] - maxLog);
        cum[k] = total;
      }
      if (!(total > 0)) {
        return;
      }
      SplittableRandom rng = Seeds.stream(config.seed(), step, Seeds.DISTANCE_WEIGHTED, i);
      int[] picked = new int[pos.length];
      int[] lo = new int[pos.length];
      int[] hi = new int[pos.length];
      for (int j = 0; j < pos.length; j++) {
        picked[j] = cand[firstAbove(cum, rng.nextDouble() * total)];
        lo[j] = j;
        hi[j] = j + 1;
      }
      rows[i] = new AnchorRows(pos, picked, lo, hi);
    });
    return RowEmitter.emit(rows, config.maxTriplets(),
        Seeds.stream(config.seed(), step, Seeds.SUBSAMPLE, 0), s.refs);
  }

  /** L2 distance between unit vectors from a score of the given kind. */
  static double unitDistance(Distance kind, float score) {
    return switch (kind) {
      case L2 -> score;
      case SQUARED_L2 -> Math.sqrt(Math.max(0.0, score));
      case COSINE, DOT -> Math.sqrt(Math.max(0.0, 2.0 - 2.0 * score));
    };
  }

  /** log of 1/q(d) up to a constant, on the unit sphere in n dimensions. */
  static double logWeight(double d, double n) {
    return (2.0 - n) * Math.log(d) - ((n - 3.0) / 2.0) * Math.log(1.0 - 0.25 * d * d);
  }

  /**
   * First k with cum[k] > u; u is below cum's last value except for rounding, in which case the
   * last entry with positive weight is taken.
   */
  private static int firstAbove(double[] cum, double u) {
    int lo = 0;
    int hi = cum.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cum[mid] > u) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    if (lo == cum.length) {
      lo = cum.length - 1;
      while (lo > 0 && cum[lo - 1] == cum[lo]) {
        lo--;
      }
    }
    return lo;
  }
}
