package dev.negmine.index.dynamic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.FloatMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Nyström (linear-kernel) drift map recovers a planted linear drift exactly. */
class NystromDriftTest {
  static final long SEED = 5L;

  static FloatMatrix gaussian(int rows, int cols, SplittableRandom r) {
    FloatMatrix m = FloatMatrix.zeros(rows, cols);
    for (int i = 0; i < m.data().length; i++) {
      m.data()[i] = (float) r.nextGaussian();
    }
    return m;
  }

  /** {@code x W + b} computed in double. */
  static FloatMatrix drift(FloatMatrix x, double[][] w, double[] b) {
    FloatMatrix out = FloatMatrix.zeros(x.rows(), w[0].length);
    for (int i = 0; i < x.rows(); i++) {
      for (int j = 0; j < w[0].length; j++) {
        double s = b == null ? 0 : b[j];
        for (int k = 0; k < x.cols(); k++) {
          s += x.get(i, k) * w[k][j];
        }
        out.set(i, j, (float) s);
      }
    }
    return out;
  }

  @Test
  void recoversAPlantedLinearDrift() {
    System.out.println("seed " + SEED);
    SplittableRandom r = new SplittableRandom(SEED);
    int n = 2000;
    int d = 24;
    FloatMatrix stale = gaussian(n, d, r);
    double[][] w = new double[d][d];
    double[] b = new double[d];
    for (int i = 0; i < d; i++) {
      b[i] = r.nextGaussian();
      for (int j = 0; j < d; j++) {
        w[i][j] = (i == j ? 1 : 0) + 0.3 * r.nextGaussian();
      }
    }
    for (boolean affine : new boolean[] {false, true}) {
      FloatMatrix truth = drift(stale, w, affine ? b : null);
      int[] landmarks = DynamicIndex.distinctSample(n, 3 * d, new SplittableRandom(SEED + 1));
      NystromDrift map = NystromDrift.fit(stale.gather(landmarks), truth.gather(landmarks), affine, 0);
      FloatMatrix est = map.apply(stale);
      double maxErr = 0;
      for (int i = 0; i < est.data().length; i++) {
        maxErr = Math.max(maxErr, Math.abs(est.data()[i] - truth.data()[i]));
      }
      System.out.println("affine=" + affine + ": max abs error over " + n + " targets " + maxErr);
      assertTrue(maxErr < 1e-4, "max error " + maxErr);
      assertTrue(map.landmarkResidual() < 1e-6);
      assertEquals((d + (affine ? 1 : 0)) * d, map.parameterCount());
    }
  }

  @Test
  void tooFewLandmarksIsSingular() {
    SplittableRandom r = new SplittableRandom(SEED);
    FloatMatrix s = gaussian(5, 10, r);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NystromDrift.fit(s, gaussian(5, 10, r), false, 0));
    assertTrue(e.getMessage().contains("singular"), e.getMessage());
    // a ridge makes it solvable
    NystromDrift.fit(s, gaussian(5, 10, r), false, 1e-3);
  }

  @Test
  void dynamicIndexTracksAPlantedDriftFromLandmarksOnly() {
    SplittableRandom r = new SplittableRandom(SEED + 3);
    int n = 3000;
    int d = 16;
    FloatMatrix enc0 = SgTreeTest.clustered(n, d, 30, 0.2, SEED);
    double[][] w = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        w[i][j] = (i == j ? 1 : 0) + 0.25 * r.nextGaussian();
      }
    }
    FloatMatrix enc1 = drift(enc0, w, null);
    DynamicIndex idx = DynamicIndex.builder(enc0).metric(SgTree.Metric.DOT).landmarks(64).driftMap(false, 0)
        .tau(0.5).build();
    DynamicIndex.RefreshStats st = idx.refreshLandmarks(ids -> enc1.gather(ids));
    assertEquals(64, st.landmarks());
    assertEquals(64, idx.encodedRows());
    double maxErr = 0;
    for (int i = 0; i < enc1.data().length; i++) {
      maxErr = Math.max(maxErr, Math.abs(idx.vectors().data()[i] - enc1.data()[i]));
    }
    assertTrue(maxErr < 1e-3, "max error " + maxErr);
    // the tree now holds the drifted vectors with valid radii
    java.util.Set<Integer> all = new java.util.HashSet<>();
    for (int i = 0; i < n; i++) {
      all.add(i);
    }
    SgTreeTest.assertValid(idx.tree(), all);
    DynamicIndex.Negatives neg = idx.sample(enc1.rowRange(0, 4), 8, 1);
    assertEquals(32, neg.ids().length);
    for (float lp : neg.logProbabilities()) {
      assertTrue(lp <= 0 && Float.isFinite(lp));
    }
    idx.fullReencode(ids -> enc1.gather(ids));
    assertEquals(64 + n, idx.encodedRows());
  }

  @Test
  void aLandmarkWindowFitsToEveryLandmarkOfItsRefreshesAndForgetsOlderOnes() {
    SplittableRandom r = new SplittableRandom(SEED + 5);
    int n = 2000;
    int d = 8;
    FloatMatrix enc0 = SgTreeTest.clustered(n, d, 20, 0.2, SEED + 1);
    double[][] w = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        w[i][j] = (i == j ? 1 : 0) + 0.3 * r.nextGaussian();
      }
    }
    FloatMatrix enc1 = drift(enc0, w, null);
    // 6 landmarks per refresh cannot determine an 8 x 8 map alone (singular without a ridge); a
    // window of 3 refreshes gives up to 18, which recovers the planted drift exactly
    DynamicIndex idx = DynamicIndex.builder(enc0).metric(SgTree.Metric.DOT).landmarks(6).landmarkWindow(3)
        .driftMap(false, 0).tau(0.5).build();
    assertEquals(3L * 6 * d, idx.landmarkBufferFloats());
    IllegalArgumentException first = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> idx.refreshLandmarks(ids -> enc1.gather(ids)));
    assertTrue(first.getMessage().contains("singular"), first.getMessage());
    idx.refreshLandmarks(ids -> enc1.gather(ids));
    double maxErr = 0;
    for (int i = 0; i < enc1.data().length; i++) {
      maxErr = Math.max(maxErr, Math.abs(idx.vectors().data()[i] - enc1.data()[i]));
    }
    assertTrue(maxErr < 1e-3, "max error " + maxErr);
    assertEquals(12, idx.encodedRows(), "each refresh re-encodes only its own landmarks");
  }
}
