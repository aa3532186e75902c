package dev.negmine.text.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.negmine.train.engine.TorchRuntime;
import org.junit.jupiter.api.Test;

/** Qwen3-Embedding's in-loss mask on hand-set cosines, and the ranking loss under it against a value worked out by hand. */
class InLossMaskTest {
  @Test
  void masksColumnsAboveThePositivePlusTheMarginIncludingForAPositiveBelowZero() {
    float[] cos = {
        0.50f, 0.65f, 0.55f, // bar 0.60: 0.65 goes, 0.55 stays
        0.00f, -0.30f, -0.15f}; // the positive scores -0.30, bar -0.20: 0.00 and -0.15 go
    assertArrayEquals(new boolean[] {false, true, false, true, false, true}, RankingLoss.inLossMask(cos, 2, 3, 0.1));
    // the query's own positive is never masked, whatever the margin
    assertArrayEquals(new boolean[6], RankingLoss.inLossMask(new float[] {0.9f, 0.1f, 0.1f, 0.1f, 0.9f, 0.1f}, 2, 3, 0));
  }

  @Test
  void lossUnderTheMaskEqualsTheHandComputedValue() {
    // q0 = (1, 0), q1 = (0, 1); positives d0, d1; hard negatives d2 (of q0), d3 (of q1)
    // cosines: q0 [0.6, 0.6, 0.8, 0.0] -> bar 0.7 masks d2
    //          q1 [0.8, -0.8, 0.6, -1.0] -> its positive is below zero; bar -0.7 masks d0 and d2, keeps d3
    // at scale 20: q0 = -log(e^12 / (e^12 + e^12 + e^0)) = log(2 + e^-12); q1 = log(1 + e^-4)
    double q0 = Math.log(2 + Math.exp(-12));
    double q1 = Math.log1p(Math.exp(-4));
    double forward = (q0 + q1) / 2;
    // symmetric term over the 2x2 square, same mask: column 0 has q1 masked (-log 1 = 0);
    // column 1: -log(e^-16 / (e^12 + e^-16)) = 28 + log(1 + e^-28)
    double backward = (0 + 28 + Math.log1p(Math.exp(-28))) / 2;
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      NDArray q = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
      NDArray d = m.create(new float[] {0.6f, 0.8f, 0.6f, -0.8f, 0.8f, 0.6f, 0, -1}, new Shape(4, 2));
      boolean[] none = new boolean[8];
      FineTuneConfig.Loss plain = new FineTuneConfig.Loss(20, false, FineTuneConfig.Kind.MNRL, 0.1, null);
      assertEquals(forward, RankingLoss.loss(m, q, d, none, plain).getFloat(), 1e-4);
      FineTuneConfig.Loss sym = new FineTuneConfig.Loss(20, true, FineTuneConfig.Kind.MNRL, 0.1, null);
      assertEquals((forward + backward) / 2, RankingLoss.loss(m, q, d, none, sym).getFloat(), 1e-4);
      // off: the unmasked cross-entropy, as the six-argument form gives it
      FineTuneConfig.Loss off = new FineTuneConfig.Loss(20, false);
      assertEquals(RankingLoss.loss(m, q, d, none, 20, false).getFloat(), RankingLoss.loss(m, q, d, none, off).getFloat(), 0);
      // a judged-positive mask is kept alongside: q0's d1 masked too leaves log(1 + e^-12)
      boolean[] judged = new boolean[8];
      judged[1] = true;
      assertEquals((Math.log1p(Math.exp(-12)) + q1) / 2, RankingLoss.loss(m, q, d, judged, plain).getFloat(), 1e-4);
    }
  }
}
