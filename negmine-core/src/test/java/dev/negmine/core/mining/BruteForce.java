package dev.negmine.core.mining;

import dev.negmine.core.linalg.Distance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Straightforward implementations of every miner's definition, used as oracles: loops over all
 * (anchor, positive, negative) triples or pairs, no sorting tricks, rows emitted in each miner's
 * documented order. They read the same float32 scores as the miners, so results must agree
 * exactly, ties and band edges included.
 */
final class BruteForce {
  private final MiningBatch b;
  private final float[] s;
  private final int q;
  private final int r;

  BruteForce(MiningBatch b) {
    this.b = b;
    this.s = b.scores().data();
    this.q = b.size();
    this.r = b.refSize();
  }

  /** Distance-like: smaller is closer. */
  float dl(int i, int j) {
    float v = s[i * r + j];
    return b.distance().isSimilarity() ? -v : v;
  }

  boolean pos(int i, int j) {
    return b.pairable(i, j) && b.labels()[i] == b.refLabels()[j];
  }

  boolean neg(int i, int j) {
    return b.pairable(i, j) && b.labels()[i] != b.refLabels()[j];
  }

  private final List<int[]> rows = new ArrayList<>();

  private void add(int a, int p, int n) {
    rows.add(new int[] {a, p, n});
  }

  private Triplets take() {
    int[] a = new int[rows.size()];
    int[] p = new int[rows.size()];
    int[] n = new int[rows.size()];
    for (int k = 0; k < rows.size(); k++) {
      a[k] = rows.get(k)[0];
      p[k] = rows.get(k)[1];
      n[k] = rows.get(k)[2];
    }
    rows.clear();
    return Triplets.of(a, p, n);
  }

  Triplets batchHard() {
    for (int a = 0; a < q; a++) {
      int bp = -1;
      int bn = -1;
      for (int j = 0; j < r; j++) {
        if (pos(a, j) && (bp < 0 || dl(a, j) > dl(a, bp))) {
          bp = j;
        }
        if (neg(a, j) && (bn < 0 || dl(a, j) < dl(a, bn))) {
          bn = j;
        }
      }
      if (bp >= 0 && bn >= 0) {
        add(a, bp, bn);
      }
    }
    return take();
  }

  Triplets easyPositive() {
    for (int a = 0; a < q; a++) {
      int bp = -1;
      for (int j = 0; j < r; j++) {
        if (pos(a, j) && (bp < 0 || dl(a, j) < dl(a, bp))) {
          bp = j;
        }
      }
      if (bp < 0) {
        continue;
      }
      int bn = -1;
      for (int j = 0; j < r; j++) {
        if (neg(a, j) && dl(a, j) > dl(a, bp) && (bn < 0 || dl(a, j) < dl(a, bn))) {
          bn = j;
        }
      }
      if (bn >= 0) {
        add(a, bp, bn);
      }
    }
    return take();
  }

  /** Every triple tested on its own: lower < (float)(d(a,n) - d(a,p)) <= upper. */
  Triplets band(BandPolicy policy, float margin) {
    for (int a = 0; a < q; a++) {
      List<Integer> negsByDistance = negativesByDistance(a);
      for (int p = 0; p < r; p++) {
        if (!pos(a, p)) {
          continue;
        }
        List<Integer> inBand = new ArrayList<>();
        for (int n : negsByDistance) {
          float gap = dl(a, n) - dl(a, p);
          boolean above = switch (policy.lower()) {
            case NONE -> true;
            case ZERO -> gap > 0f;
            case MARGIN -> gap > margin;
          };
          boolean below = switch (policy.upper()) {
            case NONE -> true;
            case ZERO -> gap <= 0f;
            case MARGIN -> gap <= margin;
          };
          if (above && below) {
            inBand.add(n);
          }
        }
        if (!inBand.isEmpty()) {
          if (policy.selection() == BandPolicy.Selection.ALL) {
            for (int n : inBand) {
              add(a, p, n);
            }
          } else {
            int best = inBand.get(0);
            for (int n : inBand) {
              if (dl(a, n) < dl(a, best) || (dl(a, n) == dl(a, best) && n < best)) {
                best = n;
              }
            }
            add(a, p, best);
          }
        } else if (policy.fallback() != BandPolicy.Fallback.DROP && !negsByDistance.isEmpty()) {
          int pick = -1;
          for (int n = 0; n < r; n++) {
            if (!neg(a, n)) {
              continue;
            }
            boolean better = pick < 0 || (policy.fallback() == BandPolicy.Fallback.EASIEST
                ? dl(a, n) > dl(a, pick) : dl(a, n) < dl(a, pick));
            if (better) {
              pick = n;
            }
          }
          add(a, p, pick);
        }
      }
    }
    return take();
  }

  private List<Integer> negativesByDistance(int a) {
    List<Integer> negs = new ArrayList<>();
    for (int n = 0; n < r; n++) {
      if (neg(a, n)) {
        negs.add(n);
      }
    }
    negs.sort(Comparator.<Integer>comparingDouble(n -> dl(a, n) + 0f).thenComparingInt(n -> n));
    return negs;
  }

  Triplets topK(int k) {
    for (int a = 0; a < q; a++) {
      List<Integer> negs = negativesByDistance(a);
      List<Integer> top = negs.subList(0, Math.min(k, negs.size()));
      for (int p = 0; p < r; p++) {
        if (pos(a, p)) {
          for (int n : top) {
            add(a, p, n);
          }
        }
      }
    }
    return take();
  }

  /** PML's rule written on the raw scores, similarity or distance branch as PML has them. */
  Pairs multiSimilarity(float eps) {
    List<int[]> kp = new ArrayList<>();
    List<int[]> kn = new ArrayList<>();
    boolean sim = b.distance().isSimilarity();
    for (int a = 0; a < q; a++) {
      float minPos = Float.POSITIVE_INFINITY;
      float maxPos = Float.NEGATIVE_INFINITY;
      float minNeg = Float.POSITIVE_INFINITY;
      float maxNeg = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < r; j++) {
        float v = s[a * r + j];
        if (pos(a, j)) {
          minPos = Math.min(minPos, v);
          maxPos = Math.max(maxPos, v);
        } else if (neg(a, j)) {
          minNeg = Math.min(minNeg, v);
          maxNeg = Math.max(maxNeg, v);
        }
      }
      for (int j = 0; j < r; j++) {
        float v = s[a * r + j];
        if (pos(a, j) && (sim ? v - eps < maxNeg : v + eps > minNeg)) {
          kp.add(new int[] {a, j});
        }
      }
      for (int j = 0; j < r; j++) {
        float v = s[a * r + j];
        if (neg(a, j) && (sim ? v + eps > minPos : v - eps < maxPos)) {
          kn.add(new int[] {a, j});
        }
      }
    }
    return Pairs.of(kp.stream().mapToInt(x -> x[0]).toArray(), kp.stream().mapToInt(x -> x[1]).toArray(),
        kn.stream().mapToInt(x -> x[0]).toArray(), kn.stream().mapToInt(x -> x[1]).toArray());
  }

  /** Every kept positive pair with every kept negative pair of its anchor, nested loops. */
  Triplets pairsToTriplets(Pairs pairs) {
    for (int x = 0; x < pairs.positivePairs(); x++) {
      for (int y = 0; y < pairs.negativePairs(); y++) {
        if (pairs.posAnchors()[x] == pairs.negAnchors()[y]) {
          add(pairs.posAnchors()[x], pairs.positives()[x], pairs.negatives()[y]);
        }
      }
    }
    return take();
  }

  /** The distance-weighted sampling protocol documented on the miner, with weights in plain form. */
  Triplets distanceWeighted(MinerConfig c, long step) {
    int dim = b.dimension();
    for (int a = 0; a < q; a++) {
      double[] logW = new double[r];
      boolean[] ok = new boolean[r];
      double max = Double.NEGATIVE_INFINITY;
      for (int n = 0; n < r; n++) {
        if (!neg(a, n)) {
          continue;
        }
        double d = unitDistance(b.distance(), s[a * r + n]);
        if (d >= c.dwNonzeroLossCutoff()) {
          continue;
        }
        double dc = Math.max(d, c.dwCutoff());
        double lw = -((dim - 2) * Math.log(dc) + (dim - 3) / 2.0 * Math.log(1 - dc * dc / 4));
        if (Double.isFinite(lw)) {
          ok[n] = true;
          logW[n] = lw;
          max = Math.max(max, lw);
        }
      }
      double total = 0;
      double[] cum = new double[r];
      for (int n = 0; n < r; n++) {
        total += ok[n] ? Math.exp(logW[n] - max) : 0;
        cum[n] = total;
      }
      boolean hasPos = false;
      for (int p = 0; p < r; p++) {
        hasPos |= pos(a, p);
      }
      if (!hasPos || !(total > 0)) {
        continue;
      }
      SplittableRandom rng = Seeds.stream(c.seed(), step, Seeds.DISTANCE_WEIGHTED, a);
      for (int p = 0; p < r; p++) {
        if (!pos(a, p)) {
          continue;
        }
        double u = rng.nextDouble() * total;
        int pick = -1;
        for (int n = 0; n < r && pick < 0; n++) {
          if (ok[n] && cum[n] > u) {
            pick = n;
          }
        }
        add(a, p, pick);
      }
    }
    return take();
  }

  static double unitDistance(Distance kind, float v) {
    return switch (kind) {
      case L2 -> v;
      case SQUARED_L2 -> Math.sqrt(Math.max(0, v));
      case COSINE, DOT -> Math.sqrt(Math.max(0, 2 - 2.0 * v));
    };
  }
}
