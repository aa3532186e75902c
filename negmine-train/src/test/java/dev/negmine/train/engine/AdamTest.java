package dev.negmine.train.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Adam against updates computed by hand from the paper's bias-corrected rule. */
class AdamTest {
  @Test
  void twoStepsMatchTheHandComputedRule() {
    Engine engine = TorchRuntime.engine();
    try (NDManager manager = engine.newBaseManager()) {
      NDArray p = manager.create(new float[] {1f, -2f});
      p.setRequiresGradient(true);
      NDArray c = manager.create(new float[] {0.5f, 3f});
      Adam adam = new Adam(List.of(p), 0.1);
      // loss = sum(p * c), so the gradient is c every step. With a constant gradient g:
      // step 1: m = 0.1 g, v = 0.001 g^2, c1 = 0.1, c2 = 0.001:
      //   p -= 0.1 * (m / c1) / (sqrt(v / c2) + 1e-8) = 0.1 * sign(g)   (to ~1e-8)
      // step 2: m = 0.19 g, v = 0.001999 g^2, c1 = 0.19, c2 = 0.001999: again 0.1 * sign(g)
      for (int step = 1; step <= 2; step++) {
        try (GradientCollector gc = engine.newGradientCollector()) {
          gc.backward(p.mul(c).sum());
        }
        adam.step();
        float shift = 0.1f * step;
        assertArrayEquals(new float[] {1f - shift, -2f - shift}, p.toFloatArray(), 1e-6f, "after step " + step);
        assertArrayEquals(new float[] {0f, 0f}, p.getGradient().toFloatArray(), 0f, "gradient zeroed");
      }
      assertArrayEquals(new float[] {0.19f * 0.5f, 0.19f * 3f}, adam.state().get(0), 1e-6f);
      assertArrayEquals(new float[] {0.001999f * 0.25f, 0.001999f * 9f}, adam.state().get(1), 1e-6f);
    }
  }

  @Test
  void learningRateScalesTheStep() {
    Engine engine = TorchRuntime.engine();
    try (NDManager manager = engine.newBaseManager()) {
      NDArray p = manager.create(new float[] {0f});
      p.setRequiresGradient(true);
      Adam adam = new Adam(List.of(p), 0.1);
      adam.learningRate(0.01);
      try (GradientCollector gc = engine.newGradientCollector()) {
        gc.backward(p.mul(-4f).sum());
      }
      adam.step();
      assertArrayEquals(new float[] {0.01f}, p.toFloatArray(), 1e-7f);
    }
  }
}
