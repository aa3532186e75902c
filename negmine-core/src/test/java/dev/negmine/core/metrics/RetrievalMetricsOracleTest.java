package dev.negmine.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Compares {@link RetrievalMetrics} with a brute-force oracle: the full score matrix, a full sort
 * of every query's neighbours, every metric summed in double. Seeds are printed; rerun one with
 * {@code -Dnegmine.seed=...}.
 */
class RetrievalMetricsOracleTest {
  private static final int[] KS = {1, 2, 4, 8, 16, 10_000};

  private static long[] seeds() {
    Long fixed = Long.getLong("negmine.seed");
    return fixed != null ? new long[] {fixed} : new long[] {42L, System.nanoTime()};
  }

  /**
   * Integer embeddings and DOT: every score is a small integer, exact in float32 whatever the
   * kernel's summation order, so the oracle computes it independently (in long) and the results
   * must agree to rounding of the final means. Many exact ties exercise the index tie-break.
   */
  @Test
  void dotOnIntegerDataMatchesIndependentOracle() {
    for (long seed : seeds()) {
      System.out.println("RetrievalMetricsOracleTest.dotOnIntegerData seed=" + seed);
      Random rnd = new Random(seed);
      int n = 150 + rnd.nextInt(250);
      int d = 2 + rnd.nextInt(6);
      long[] y = clusteredLabels(n, 3 + rnd.nextInt(15), rnd);
      FloatMatrix x = FloatMatrix.zeros(n, d);
      int[][] centers = new int[1000][d];
      for (int[] c : centers) {
        for (int k = 0; k < d; k++) {
          c[k] = rnd.nextInt(5) - 2;
        }
      }
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < d; k++) {
          x.set(i, k, centers[Math.floorMod(y[i], 1000)][k] + rnd.nextInt(3) - 1);
        }
      }
      double[][] s = new double[n][n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          long dot = 0;
          for (int k = 0; k < d; k++) {
            dot += (long) x.get(i, k) * (long) x.get(j, k);
          }
          s[i][j] = dot;
        }
      }
      check(x, y, Distance.DOT, s, seed, 1e-12);
    }
  }

  /**
   * Gaussian clusters under every distance. The oracle's scores are the kernel's own float32 matrix
   * (widened to double): this checks the streaming selection, chunking and metric arithmetic, not
   * the kernel, whose rounding could otherwise swap near-ties.
   */
  @Test
  void gaussianClustersMatchOracleForEveryDistance() {
    for (long seed : seeds()) {
      System.out.println("RetrievalMetricsOracleTest.gaussianClusters seed=" + seed);
      Random rnd = new Random(seed);
      int n = 200 + rnd.nextInt(200);
      int d = 4 + rnd.nextInt(28);
      long[] y = clusteredLabels(n, 5 + rnd.nextInt(20), rnd);
      float[][] centers = new float[1000][d];
      for (float[] c : centers) {
        for (int k = 0; k < d; k++) {
          c[k] = (float) rnd.nextGaussian();
        }
      }
      float spread = 0.3f + rnd.nextFloat();
      FloatMatrix x = FloatMatrix.zeros(n, d);
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < d; k++) {
          x.set(i, k, centers[Math.floorMod(y[i], 1000)][k] + spread * (float) rnd.nextGaussian());
        }
      }
      for (Distance dist : Distance.values()) {
        FloatMatrix m = Similarities.matrix(x, x, dist);
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            s[i][j] = m.get(i, j);
          }
        }
        check(x, y, dist, s, seed, 1e-9);
      }
    }
  }

  /**
   * Runs the implementation three ways (all recall cut-offs; only recall@1, which shrinks the heaps
   * to R and sends many queries through the counting pass; tiny row chunks) against the oracle.
   */
  private static void check(FloatMatrix x, long[] y, Distance dist, double[][] s, long seed, double tol) {
    Expected e = oracle(s, y, dist.isSimilarity());
    String ctx = dist + " seed=" + seed + " n=" + x.rows();
    RetrievalConfig all = new RetrievalConfig(dist, Arrays.stream(KS).boxed().toList());
    RetrievalResult[] results = {
      RetrievalMetrics.evaluate(x, y, all),
      RetrievalMetrics.evaluate(x, y, new RetrievalConfig(dist, List.of(1))),
      RetrievalMetrics.evaluate(x, y, all, 37),
    };
    for (RetrievalResult r : results) {
      assertEquals(e.queries, r.queries(), ctx);
      assertEquals(x.rows() - e.queries, r.skippedQueries(), ctx);
      assertEquals(e.p1, r.precisionAt1(), tol, "P@1 " + ctx);
      assertEquals(e.rPrecision, r.rPrecision(), tol, "R-precision " + ctx);
      assertEquals(e.mapAtR, r.mapAtR(), tol, "MAP@R " + ctx);
      assertEquals(e.mrr, r.mrr(), tol, "MRR " + ctx);
      for (int k : r.recallAtK().keySet()) {
        int idx = Arrays.binarySearch(KS, k);
        assertEquals(e.recall[idx], r.recallAt(k), tol, "recall@" + k + " " + ctx);
      }
    }
    assertEquals(results[0], results[2], "chunking must not change any value " + ctx);
  }

  /** Labels with clusters of varied sizes plus a few singleton classes (ids >= 1000). */
  private static long[] clusteredLabels(int n, int classes, Random rnd) {
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      // skewed class sizes: class c has weight ~ 1/(c+1)
      y[i] = rnd.nextInt(20) == 0 ? 100 + i : (long) Math.floor(classes * Math.pow(rnd.nextDouble(), 2));
    }
    return y;
  }

  private record Expected(int queries, double p1, double[] recall, double rPrecision, double mapAtR, double mrr) {}

  private static Expected oracle(double[][] s, long[] y, boolean similarity) {
    int n = y.length;
    int queries = 0;
    double p1 = 0;
    double rp = 0;
    double map = 0;
    double mrr = 0;
    double[] recall = new double[KS.length];
    for (int q = 0; q < n; q++) {
      int rq = 0;
      for (int j = 0; j < n; j++) {
        if (j != q && y[j] == y[q]) {
          rq++;
        }
      }
      if (rq == 0) {
        continue;
      }
      queries++;
      final int query = q;
      Comparator<Integer> closer = (a, b) -> {
        // primitive comparison, so -0.0 ties with 0.0 as in the implementation
        double sa = similarity ? -s[query][a] : s[query][a];
        double sb = similarity ? -s[query][b] : s[query][b];
        return sa < sb ? -1 : sa > sb ? 1 : Integer.compare(a, b);
      };
      Integer[] order = new Integer[n - 1];
      for (int j = 0, t = 0; j < n; j++) {
        if (j != q) {
          order[t++] = j;
        }
      }
      Arrays.sort(order, closer);
      int first = 0;
      int hits = 0;
      double ap = 0;
      for (int t = 0; t < order.length; t++) {
        boolean rel = y[order[t]] == y[q];
        if (rel && first == 0) {
          first = t + 1;
        }
        if (rel && t < rq) {
          hits++;
          ap += hits / (t + 1.0);
        }
      }
      p1 += first == 1 ? 1 : 0;
      rp += hits / (double) rq;
      map += ap / rq;
      mrr += 1.0 / first;
      for (int k = 0; k < KS.length; k++) {
        recall[k] += first <= KS[k] ? 1 : 0;
      }
    }
    for (int k = 0; k < KS.length; k++) {
      recall[k] /= queries;
    }
    return new Expected(queries, p1 / queries, recall, rp / queries, map / queries, mrr / queries);
  }
}
