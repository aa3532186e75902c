package dev.negmine.text.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.negmine.train.engine.TorchRuntime;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ranking loss against the cross-entropy written out in doubles. */
class RankingLossTest {
  private static double[][] unitRows(Random r, int n, int d) {
    double[][] x = new double[n][d];
    for (double[] row : x) {
      double s = 0;
      for (int k = 0; k < d; k++) {
        row[k] = r.nextGaussian();
        s += row[k] * row[k];
      }
      for (int k = 0; k < d; k++) {
        row[k] /= Math.sqrt(s);
      }
    }
    return x;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }

  private static float[] flat(double[][] x) {
    float[] f = new float[x.length * x[0].length];
    for (int i = 0; i < x.length; i++) {
      for (int k = 0; k < x[0].length; k++) {
        f[i * x[0].length + k] = (float) x[i][k];
      }
    }
    return f;
  }

  /** -log softmax_i over the unmasked columns of row i's logits (forward), or over rows of column i in the square (backward). */
  private static double reference(double[][] q, double[][] d, boolean[] masked, double scale, boolean symmetric) {
    int b = q.length;
    int c = d.length;
    double fwd = 0;
    for (int i = 0; i < b; i++) {
      double z = 0;
      for (int j = 0; j < c; j++) {
        if (!masked[i * c + j]) {
          z += Math.exp(scale * dot(q[i], d[j]));
        }
      }
      fwd += Math.log(z) - scale * dot(q[i], d[i]);
    }
    fwd /= b;
    if (!symmetric) {
      return fwd;
    }
    double bwd = 0;
    for (int j = 0; j < b; j++) {
      double z = 0;
      for (int i = 0; i < b; i++) {
        if (!masked[i * c + j]) {
          z += Math.exp(scale * dot(q[i], d[j]));
        }
      }
      bwd += Math.log(z) - scale * dot(q[j], d[j]);
    }
    return (fwd + bwd / b) / 2;
  }

  @Test
  void equalsTheCrossEntropyWrittenOut() {
    Random r = new Random(7);
    int b = 4;
    int c = 8; // 4 positives + one hard negative per query
    double[][] q = unitRows(r, b, 16);
    double[][] d = unitRows(r, c, 16);
    boolean[] none = new boolean[b * c];
    boolean[] masked = new boolean[b * c];
    masked[0 * c + 2] = true; // document 2 is also relevant to query 0
    masked[3 * c + 5] = true; // query 3's hard negative 5 turned out to be one of its positives
    masked[1 * c + 0] = true;
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      NDArray qa = m.create(flat(q), new Shape(b, 16));
      NDArray da = m.create(flat(d), new Shape(c, 16));
      for (boolean sym : new boolean[] {false, true}) {
        for (boolean[] mask : new boolean[][] {none, masked}) {
          double got = RankingLoss.loss(m, qa, da, mask, 20, sym).getFloat();
          assertEquals(reference(q, d, mask, 20, sym), got, 1e-4, "symmetric " + sym);
        }
      }
    }
  }
}
