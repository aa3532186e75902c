package dev.negmine.train.dynamic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.negmine.core.linalg.FloatMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The tower's hand-written gradients against central finite differences (in double). */
class TowerTest {
  /** Loss = sum of c .* normalised output: its gradient w.r.t. the output is c. */
  static double loss(Tower t, FloatMatrix x, FloatMatrix c) {
    FloatMatrix e = t.encode(x);
    double s = 0;
    for (int i = 0; i < e.data().length; i++) {
      s += (double) e.data()[i] * c.data()[i];
    }
    return s;
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    SplittableRandom r = new SplittableRandom(3);
    Tower t = new Tower(6, 10, 4, 11);
    FloatMatrix x = FloatMatrix.zeros(5, 6);
    FloatMatrix c = FloatMatrix.zeros(5, 4);
    for (int i = 0; i < x.data().length; i++) {
      x.data()[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < c.data().length; i++) {
      c.data()[i] = (float) r.nextGaussian();
    }
    for (float[] b : new float[][] {t.b1, t.b2}) {
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) (0.1 * r.nextGaussian());
      }
    }
    t.backward(t.forward(x), c);
    float[][] p = t.parameters();
    float[][] g = t.gradients();
    double eps = 1e-2;
    for (int k = 0; k < 4; k++) {
      for (int i = 0; i < p[k].length; i += 3) {
        float old = p[k][i];
        p[k][i] = (float) (old + eps);
        double up = loss(t, x, c);
        p[k][i] = (float) (old - eps);
        double down = loss(t, x, c);
        p[k][i] = old;
        double fd = (up - down) / (2 * eps);
        assertEquals(fd, g[k][i], 2e-3 + 2e-2 * Math.abs(fd), "param block " + k + " index " + i);
      }
    }
  }
}
