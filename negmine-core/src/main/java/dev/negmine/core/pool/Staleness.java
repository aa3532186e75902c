package dev.negmine.core.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * How far a pool had drifted when it was replaced.
 *
 * @param overlap share of the old pool's (anchor, candidate) pairs that are still among the fresh
 *     pool's candidates for that anchor (1 = nothing changed)
 * @param spearman Spearman rank correlation of old and current scores over a sample of old pairs
 *     ({@code NaN} with fewer than 3 scored pairs)
 * @param sampled pairs in the correlation sample
 * @param age the old pool's age when replaced
 */
public record Staleness(double overlap, double spearman, int sampled, Duration age) {
  /** Scores an (anchor id, candidate id) pair with the current model; NaN when unknown. */
  @FunctionalInterface
  public interface PairScorer {
    float score(long anchorId, long candidateId);
  }

  /**
   * Compares {@code old} with {@code fresh}. Current scores come from {@code scorer} when given,
   * else from the fresh pool (pairs it no longer holds are then left out of the correlation).
   */
  public static Staleness between(CandidatePool old, CandidatePool fresh, PairScorer scorer, int sample, long seed,
      java.time.Instant now) {
    Map<Long, Integer> freshIndex = new HashMap<>();
    for (int a = 0; a < fresh.anchors(); a++) {
      freshIndex.put(fresh.anchorId(a), a);
    }
    long kept = 0;
    long total = 0;
    for (int a = 0; a < old.anchors(); a++) {
      Integer fa = freshIndex.get(old.anchorId(a));
      Set<Long> now2 = new HashSet<>();
      if (fa != null) {
        for (int r = 0; r < fresh.count(fa); r++) {
          now2.add(fresh.candidateId(fa, r));
        }
      }
      for (int r = 0; r < old.count(a); r++) {
        total++;
        if (now2.contains(old.candidateId(a, r))) {
          kept++;
        }
      }
    }
    List<double[]> pairs = new ArrayList<>();
    SplittableRandom rnd = new SplittableRandom(seed);
    int tries = old.candidates() == 0 ? 0 : Math.min(old.candidates(), sample) * 4;
    for (int t = 0; t < tries && pairs.size() < sample; t++) {
      int a = rnd.nextInt(old.anchors());
      if (old.count(a) == 0) {
        continue;
      }
      int r = rnd.nextInt(old.count(a));
      long anchor = old.anchorId(a);
      long cand = old.candidateId(a, r);
      float current = Float.NaN;
      if (scorer != null) {
        current = scorer.score(anchor, cand);
      } else {
        Integer fa = freshIndex.get(anchor);
        if (fa != null) {
          for (int q = 0; q < fresh.count(fa); q++) {
            if (fresh.candidateId(fa, q) == cand) {
              current = fresh.candidateScore(fa, q);
              break;
            }
          }
        }
      }
      if (!Float.isNaN(current)) {
        pairs.add(new double[] {old.candidateScore(a, r), current});
      }
    }
    double rho = pairs.size() < 3 ? Double.NaN : spearman(pairs);
    return new Staleness(total == 0 ? 1.0 : (double) kept / total, rho, pairs.size(),
        Duration.between(old.manifest().createdAt(), now));
  }

  static double spearman(List<double[]> pairs) {
    int n = pairs.size();
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = pairs.get(i)[0];
      y[i] = pairs.get(i)[1];
    }
    return pearson(ranks(x), ranks(y));
  }

  /** Average ranks (ties share their mean rank). */
  static double[] ranks(double[] v) {
    int n = v.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
    double[] r = new double[n];
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && v[order[j + 1]] == v[order[i]]) {
        j++;
      }
      double mean = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        r[order[k]] = mean;
      }
      i = j + 1;
    }
    return r;
  }

  private static double pearson(double[] a, double[] b) {
    int n = a.length;
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < n; i++) {
      ma += a[i];
      mb += b[i];
    }
    ma /= n;
    mb /= n;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < n; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
  }
}
