package dev.negmine.index.dynamic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.FloatMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The tree sampler's draws follow the exact softmax over the current vectors (chi-squared, seeded). */
class TreeSoftmaxSamplerTest {
  static final long SEED = 77L;

  /** Chi-squared critical value at p = 0.001 (Wilson-Hilferty approximation). */
  static double chiSquaredCritical(int df) {
    double z = 3.0902;
    double a = 2.0 / (9.0 * df);
    return df * Math.pow(1 - a + z * Math.sqrt(a), 3);
  }

  static double[] exactSoftmax(SgTree t, float[] q, double tau, int n) {
    float[] qq = t.prepareQuery(q);
    double[] p = new double[n];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      p[i] = t.score(qq, i) / tau;
      max = Math.max(max, p[i]);
    }
    double z = 0;
    for (int i = 0; i < n; i++) {
      p[i] = Math.exp(p[i] - max);
      z += p[i];
    }
    for (int i = 0; i < n; i++) {
      p[i] /= z;
    }
    return p;
  }

  @Test
  void drawsFollowTheExactSoftmax() {
    System.out.println("seed " + SEED);
    int n = 120;
    int dim = 6;
    FloatMatrix data = SgTreeTest.clustered(n, dim, 6, 0.35, SEED);
    // frontier settings from "draw from the root" (rejection does all the work) to generous
    double[][] settings = {{0.01, 1}, {0.5, 8}, {0.9, 1000}};
    for (SgTree.Metric metric : SgTree.Metric.values()) {
      SgTree t = SgTree.build(data, metric);
      // stale structure, current vectors: drift everything, radii recomputed
      FloatMatrix moved = data.copy();
      SplittableRandom r = new SplittableRandom(SEED + 1);
      for (int i = 0; i < moved.data().length; i++) {
        moved.data()[i] = moved.data()[i] * 0.8f + (float) (0.3 * r.nextGaussian());
      }
      t.updateVectors(null, moved);
      float[] q = new float[dim];
      for (int j = 0; j < dim; j++) {
        q[j] = (float) r.nextGaussian() * (metric == SgTree.Metric.DOT ? 0.4f : 1f);
      }
      double tau = 0.25;
      double[] p = exactSoftmax(t, q, tau, n);
      for (double[] s : settings) {
        TreeSoftmaxSampler sampler = new TreeSoftmaxSampler(t, tau, s[0], (int) s[1]);
        int draws = 60_000;
        long[] counts = new long[n];
        SplittableRandom rng = new SplittableRandom(SEED + 2);
        double logZsum = 0;
        int calls = 0;
        long proposals = 0;
        for (int done = 0; done < draws; done += 200) {
          SoftmaxSamples ss = sampler.sample(q, 200, rng);
          for (int i = 0; i < 200; i++) {
            int y = ss.ids()[i];
            counts[y]++;
            double expectedLogP = Math.log(p[y]);
            assertEquals(expectedLogP - ss.logNormalizer() + logZExact(t, q, tau, n),
                ss.logProbabilities()[i], 1e-6 + 1e-9 * Math.abs(expectedLogP), "log-probability is logit - logZ");
          }
          logZsum += ss.logNormalizer();
          calls++;
          proposals += ss.proposals();
        }
        // pool cells with small expectation into one, as the test requires expected counts >= 5
        double chi = 0;
        int df = -1;
        double poolE = 0;
        double poolO = 0;
        for (int i = 0; i < n; i++) {
          double e = p[i] * draws;
          if (e < 5) {
            poolE += e;
            poolO += counts[i];
            continue;
          }
          chi += (counts[i] - e) * (counts[i] - e) / e;
          df++;
        }
        if (poolE > 0) {
          chi += (poolO - poolE) * (poolO - poolE) / poolE;
          df++;
        }
        double crit = chiSquaredCritical(df);
        System.out.printf("%s frontier %s: chi2 %.1f df %d crit %.1f acceptance %.3f%n", metric,
            java.util.Arrays.toString(s), chi, df, crit, (double) draws / proposals);
        assertTrue(df >= 5, "too few cells: " + df);
        assertTrue(chi < crit, metric + " " + java.util.Arrays.toString(s) + ": chi2 " + chi + " >= " + crit);
        double meanLogZ = logZsum / calls;
        System.out.printf("  mean log Z estimate %.4f, exact %.4f%n", meanLogZ, logZExact(t, q, tau, n));
        assertEquals(logZExact(t, q, tau, n), meanLogZ, 0.05, "normaliser estimate");
      }
    }
  }

  static double logZExact(SgTree t, float[] q, double tau, int n) {
    float[] qq = t.prepareQuery(q);
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, t.score(qq, i) / tau);
    }
    double z = 0;
    for (int i = 0; i < n; i++) {
      z += Math.exp(t.score(qq, i) / tau - max);
    }
    return max + Math.log(z);
  }

  @Test
  void generousFrontierIsExhaustiveWithExactNormaliser() {
    FloatMatrix data = SgTreeTest.clustered(50, 4, 3, 0.5, SEED);
    SgTree t = SgTree.build(data, SgTree.Metric.DOT);
    float[] q = {0.3f, -0.2f, 0.5f, 0.1f};
    SoftmaxSamples s = new TreeSoftmaxSampler(t, 1.0, 0.999999, 10_000).sample(q, 10, new SplittableRandom(1));
    assertTrue(s.exhaustive());
    assertEquals(logZExact(t, q, 1.0, 50), s.logNormalizer(), 1e-9);
    assertEquals(1.0, s.acceptanceRate());
  }
}
