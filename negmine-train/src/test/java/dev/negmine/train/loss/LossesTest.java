package dev.negmine.train.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.negmine.core.mining.Triplets;
import dev.negmine.train.engine.TorchRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LossesTest {
  static NDManager manager;
  static Engine engine;
  // rows: a=(1,0), p=(0,1), n=(0.6,0.8), far=(-1,0)
  static final float[] POINTS = {1, 0, 0, 1, 0.6f, 0.8f, -1, 0};
  static final double D_AP = Math.sqrt(2);
  static final double D_AN = Math.sqrt(0.16 + 0.64);

  @BeforeAll
  static void start() {
    engine = TorchRuntime.engine();
    manager = engine.newBaseManager();
  }

  @AfterAll
  static void stop() {
    manager.close();
  }

  static NDArray points() {
    NDArray x = manager.create(POINTS, new Shape(4, 2));
    x.setRequiresGradient(true);
    return x;
  }

  static double value(TupleLoss loss, long[] labels, Triplets t) {
    try (NDManager m = manager.newSubManager()) {
      NDArray x = points();
      x.attach(m);
      return loss.compute(x, labels, t).getFloat();
    }
  }

  @Test
  void tripletMatchesHandComputedValue() {
    Triplets t = Triplets.of(new int[] {0}, new int[] {1}, new int[] {2});
    double expected = D_AP - D_AN + 0.2;
    assertEquals(expected, value(Losses.triplet(0.2, false, Reduction.ACTIVE_MEAN), null, t), 1e-5);
    assertEquals(Math.log1p(Math.exp(D_AP - D_AN)), value(Losses.triplet(0.2, true, Reduction.ACTIVE_MEAN), null, t), 1e-5);
  }

  @Test
  void reductionAveragesOverActiveOrAllTerms() {
    // second triplet (a, p, far): d_an = 2 > d_ap + margin, so its term is zero
    Triplets t = Triplets.of(new int[] {0, 0}, new int[] {1, 1}, new int[] {2, 3});
    double active = D_AP - D_AN + 0.2;
    assertEquals(active, value(Losses.triplet(0.2, false, Reduction.ACTIVE_MEAN), null, t), 1e-5);
    assertEquals(active / 2, value(Losses.triplet(0.2, false, Reduction.MEAN), null, t), 1e-5);
  }

  @Test
  void contrastiveMatchesHandComputedValue() {
    Triplets t = Triplets.of(new int[] {0}, new int[] {1}, new int[] {2});
    double expected = (D_AP - 0.0) + (1.0 - D_AN);
    assertEquals(expected, value(Losses.contrastive(0, 1, Reduction.ACTIVE_MEAN), null, t), 1e-5);
  }

  @Test
  void infoNceMatchesHandComputedValue() {
    long[] labels = {0, 0, 1, 2};
    Triplets t = Triplets.of(new int[] {0}, new int[] {1}, new int[] {2});
    double tau = 0.5;
    // anchor 0: positive 1 (cos 0), negatives 2 (cos 0.6) and 3 (cos -1)
    double lse = Math.log(Math.exp(0 / tau) + Math.exp(0.6 / tau) + Math.exp(-1 / tau));
    double forward = lse - 0 / tau;
    assertEquals(forward, value(Losses.infoNce(tau, false), labels, t), 1e-5);
    // reverse: query 1, positive 0 (cos 0), negatives 2 (cos 0.8), 3 (cos 0)
    double back = Math.log(Math.exp(0) + Math.exp(0.8 / tau) + Math.exp(0)) - 0;
    assertEquals((forward + back) / 2, value(Losses.infoNce(tau, true), labels, t), 1e-5);
    // log-Q: subtracting log q from negative logits
    float[] logQ = {0, 0, (float) Math.log(0.5), 0};
    double corrected = Math.log(Math.exp(0) + Math.exp(0.6 / tau - Math.log(0.5)) + Math.exp(-1 / tau));
    assertEquals(corrected, value(Losses.infoNce(tau, false, logQ), labels, t), 1e-5);
  }

  @Test
  void gradientsReachEveryRowOfAnActiveTriplet() {
    try (NDManager m = manager.newSubManager()) {
      NDArray x = points();
      x.attach(m);
      Triplets t = Triplets.of(new int[] {0}, new int[] {1}, new int[] {2});
      try (GradientCollector gc = engine.newGradientCollector()) {
        gc.backward(Losses.triplet(0.2, false, Reduction.ACTIVE_MEAN).compute(x, null, t));
      }
      float[] g = x.getGradient().toFloatArray();
      for (int row = 0; row < 3; row++) {
        assertTrue(Math.abs(g[2 * row]) + Math.abs(g[2 * row + 1]) > 1e-4, "row " + row + " got no gradient");
      }
      assertEquals(0f, Math.abs(g[6]) + Math.abs(g[7]), 0f, "an unused row gets no gradient");
      // d loss / d p = (p - a) / |p - a|
      assertEquals(-1 / Math.sqrt(2), g[2], 1e-4);
      assertEquals(1 / Math.sqrt(2), g[3], 1e-4);
    }
  }

  @Test
  void emptyTuplesGiveZeroLoss() {
    assertEquals(0, value(Losses.triplet(0.2, false, Reduction.ACTIVE_MEAN), null, Triplets.empty()), 0);
  }
}
