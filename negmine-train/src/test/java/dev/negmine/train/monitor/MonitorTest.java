package dev.negmine.train.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.FloatMatrix;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MonitorTest {
  @Test
  void eigenvaluesOfARotatedDiagonalMatrix() {
    long seed = System.nanoTime();
    System.out.println("seed " + seed);
    Random r = new Random(seed);
    int n = 12;
    double[] want = new double[n];
    for (int i = 0; i < n; i++) {
      want[i] = r.nextDouble() * 10;
    }
    // Q diag(want) Q^T with Q from Gram-Schmidt of a random matrix
    double[][] q = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        q[i][j] = r.nextGaussian();
      }
      for (int k = 0; k < i; k++) {
        double dot = 0;
        for (int j = 0; j < n; j++) {
          dot += q[i][j] * q[k][j];
        }
        for (int j = 0; j < n; j++) {
          q[i][j] -= dot * q[k][j];
        }
      }
      double norm = Math.sqrt(Arrays.stream(q[i]).map(v -> v * v).sum());
      for (int j = 0; j < n; j++) {
        q[i][j] /= norm;
      }
    }
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < n; k++) {
          a[i][j] += q[k][i] * want[k] * q[k][j];
        }
      }
    }
    double[] got = SymmetricEigen.eigenvalues(a);
    Arrays.sort(got);
    Arrays.sort(want);
    for (int i = 0; i < n; i++) {
      assertEquals(want[i], got[i], 1e-9);
    }
  }

  @Test
  void effectiveRankAndMeanCosineOfKnownShapes() {
    // 4 orthonormal directions, equally used: rank 4, mean cosine 0 between distinct directions
    int d = 8;
    float[] x = new float[8 * d];
    for (int i = 0; i < 8; i++) {
      x[i * d + (i % 4)] = 1;
    }
    FloatMatrix spread = FloatMatrix.of(8, d, x);
    assertEquals(4, BatchMonitor.effectiveRank(spread), 1e-6);
    // pairs (i, i+4) are identical: 8 of 56 ordered pairs have cosine 1
    assertEquals(8.0 / 56, BatchMonitor.meanCosine(spread), 1e-9);
    float[] same = new float[8 * d];
    for (int i = 0; i < 8; i++) {
      same[i * d] = 1;
    }
    FloatMatrix collapsed = FloatMatrix.of(8, d, same);
    assertEquals(1, BatchMonitor.effectiveRank(collapsed), 1e-6);
    assertEquals(1, BatchMonitor.meanCosine(collapsed), 1e-9);
  }

  static BatchStats stats(long step, double hardest, double cosine) {
    return new BatchStats(step, 0, "batch-hard", 32, hardest, new BatchStats.Figures(hardest, 32, 1, cosine, 2));
  }

  @Test
  void detectorFiresOnCrowdingOrStuckLossAfterPatience() {
    CollapseDetector d = new CollapseDetector(5, 10, 0.9, 0.02);
    Optional<String> fired = Optional.empty();
    long step = 0;
    for (; step < 14; step++) {
      fired = d.observe(stats(step, 0.2, 0.99), 0.2);
      assertFalse(fired.isPresent(), "not before warm-up + patience, step " + step);
    }
    fired = d.observe(stats(step, 0.2, 0.99), 0.2);
    assertTrue(fired.isPresent());
    assertTrue(fired.get().contains("collapsed"));
    assertFalse(d.observe(stats(step + 1, 0.2, 0.99), 0.2).isPresent(), "fires once");
  }

  @Test
  void detectorStaysQuietOnHealthyOrNoisyRuns() {
    CollapseDetector d = new CollapseDetector(5, 10, 0.9, 0.02);
    for (long step = 0; step < 500; step++) {
      // every 9th step looks collapsed: a noisy batch, never 10 in a row
      boolean bad = step % 9 == 0;
      assertFalse(d.observe(stats(step, bad ? 0.2 : 0.1, bad ? 0.95 : 0.05), 0.2).isPresent());
    }
  }
}
