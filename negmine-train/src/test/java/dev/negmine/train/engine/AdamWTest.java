package dev.negmine.train.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * AdamW against torch.optim.AdamW's update written out in doubles (decoupled decay, bias
 * corrections), with clip_grad_norm_ over both arrays and an array exempt from decay.
 */
class AdamWTest {
  @Test
  void matchesTorchAdamWWithClippingAndDecayMask() {
    float[] w0 = {0.5f, -1.0f, 2.0f};
    float[] b0 = {0.1f, -0.2f};
    double lr = 0.01;
    double wd = 0.1;
    double maxNorm = 1.0;
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      NDArray w = m.create(w0.clone(), new Shape(3));
      NDArray b = m.create(b0.clone(), new Shape(2));
      w.setRequiresGradient(true);
      b.setRequiresGradient(true);
      AdamW opt = new AdamW(List.of(w, b), new boolean[] {true, false}, wd, maxNorm);
      double[] rw = {0.5, -1.0, 2.0};
      double[] rb = {0.1, -0.2};
      double[] mw = new double[3];
      double[] vw = new double[3];
      double[] mb = new double[2];
      double[] vb = new double[2];
      for (int t = 1; t <= 3; t++) {
        // loss = sum(w^2 * k) + 3 * sum(b): gradients 2 k w and 3 (norm above 1: clipped)
        try (GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
          NDArray loss = w.mul(w).mul(m.create(new float[] {1f, 2f, 3f})).sum().add(b.sum().mul(3f));
          gc.backward(loss);
        }
        double[] gw = {2 * 1 * rw[0], 2 * 2 * rw[1], 2 * 3 * rw[2]};
        double[] gb = {3, 3};
        double norm = 0;
        for (double g : gw) {
          norm += g * g;
        }
        for (double g : gb) {
          norm += g * g;
        }
        norm = Math.sqrt(norm);
        double scale = norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
        assertEquals(norm, opt.step(lr), 1e-4 * norm);
        torchStep(rw, gw, mw, vw, scale, lr, wd, t);
        torchStep(rb, gb, mb, vb, scale, lr, 0, t);
        assertArrayEquals(toFloat(rw), w.toFloatArray(), 1e-6f);
        assertArrayEquals(toFloat(rb), b.toFloatArray(), 1e-6f);
      }
      assertEquals(3, opt.steps());
    }
  }

  /** torch.optim.AdamW, one parameter array. */
  private static void torchStep(double[] p, double[] g, double[] m, double[] v, double scale, double lr, double wd, int t) {
    for (int k = 0; k < p.length; k++) {
      double gk = g[k] * scale;
      p[k] *= 1 - lr * wd;
      m[k] = 0.9 * m[k] + 0.1 * gk;
      v[k] = 0.999 * v[k] + 0.001 * gk * gk;
      double mh = m[k] / (1 - Math.pow(0.9, t));
      double vh = v[k] / (1 - Math.pow(0.999, t));
      p[k] -= lr * mh / (Math.sqrt(vh) + 1e-8);
    }
  }

  private static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }
}
