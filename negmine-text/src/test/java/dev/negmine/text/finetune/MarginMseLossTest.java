package dev.negmine.text.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.negmine.train.engine.TorchRuntime;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Margin-MSE against its definition written out in doubles: a hand-computed value, then value and gradient on random inputs. */
class MarginMseLossTest {
  private static final long SEED = 11;

  @Test
  void handComputedTriplet() {
    // s(q,p) - s(q,n) = 0.6 - 0.8 = -0.2; the teacher's margin 0.9 - 0.5 = 0.4; (-0.6)^2 = 0.36
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      NDArray q = m.create(new float[] {1, 0}, new Shape(1, 2));
      NDArray d = m.create(new float[] {0.6f, 0.8f, 0.8f, 0.6f}, new Shape(2, 2));
      assertEquals(0.36, MarginMseLoss.loss(m, q, d, new float[] {0.9f, 0.5f}).getFloat(), 1e-6);
    }
  }

  /** Mean over (i, j) of ((q_i.p_i - q_i.n_ij) - (t[i][i] - t[i][b + j b + i]))^2. */
  private static double reference(double[] q, double[] d, float[] t, int b, int h, int dim) {
    int c = b * (1 + h);
    double sum = 0;
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < h; j++) {
        int n = b + j * b + i;
        double s = dot(q, i, d, i, dim) - dot(q, i, d, n, dim);
        double e = s - (t[i * c + i] - t[i * c + n]);
        sum += e * e;
      }
    }
    return sum / (b * h);
  }

  private static double dot(double[] a, int i, double[] b, int j, int dim) {
    double s = 0;
    for (int k = 0; k < dim; k++) {
      s += a[i * dim + k] * b[j * dim + k];
    }
    return s;
  }

  private static float[] floats(double[] x) {
    float[] f = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      f[i] = (float) x[i];
    }
    return f;
  }

  @Test
  void valueAndGradientMatchTheDefinition() {
    Random r = new Random(SEED);
    int b = 3;
    int h = 2;
    int dim = 5;
    int c = b * (1 + h);
    double[] q = new double[b * dim];
    double[] d = new double[c * dim];
    float[] t = new float[b * c];
    for (int k = 0; k < q.length; k++) {
      q[k] = (float) (r.nextGaussian() * 0.5);
    }
    for (int k = 0; k < d.length; k++) {
      d[k] = (float) (r.nextGaussian() * 0.5);
    }
    for (int k = 0; k < t.length; k++) {
      t[k] = (float) r.nextDouble();
    }
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      NDArray qa = m.create(floats(q), new Shape(b, dim));
      NDArray da = m.create(floats(d), new Shape(c, dim));
      qa.setRequiresGradient(true);
      da.setRequiresGradient(true);
      float value;
      try (var gc = TorchRuntime.engine().newGradientCollector()) {
        NDArray l = MarginMseLoss.loss(m, qa, da, t);
        value = l.getFloat();
        gc.backward(l);
      }
      assertEquals(reference(q, d, t, b, h, dim), value, 1e-5, "seed " + SEED);
      float[] gq = qa.getGradient().toFloatArray();
      float[] gd = da.getGradient().toFloatArray();
      double eps = 1e-4;
      double maxGrad = 0;
      for (int which = 0; which < 2; which++) {
        double[] x = which == 0 ? q : d;
        float[] g = which == 0 ? gq : gd;
        for (int k = 0; k < x.length; k++) {
          double keep = x[k];
          x[k] = keep + eps;
          double up = reference(q, d, t, b, h, dim);
          x[k] = keep - eps;
          double down = reference(q, d, t, b, h, dim);
          x[k] = keep;
          double fd = (up - down) / (2 * eps);
          assertEquals(fd, g[k], 1e-4 + 1e-3 * Math.abs(fd), (which == 0 ? "query" : "document") + " coordinate " + k + ", seed " + SEED);
          maxGrad = Math.max(maxGrad, Math.abs(g[k]));
        }
      }
      assertTrue(maxGrad > 0.01, "the gradient is not trivially zero: " + maxGrad);
    }
  }
}
