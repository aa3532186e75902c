package dev.negmine.index.dynamic;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TreeBoundTest {
  private static float[] unit(SplittableRandom r, int d) {
    float[] v = new float[d];
    double n = 0;
    for (int i = 0; i < d; i++) {
      v[i] = (float) r.nextGaussian();
      n += v[i] * v[i];
    }
    for (int i = 0; i < d; i++) {
      v[i] /= (float) Math.sqrt(n);
    }
    return v;
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Test
  void theSphericalCapBoundHoldsAndIsNeverLooserThanTheLinearOne() {
    SplittableRandom r = new SplittableRandom(42);
    int tighter = 0;
    for (int t = 0; t < 200_000; t++) {
      int d = 2 + r.nextInt(31);
      float[] q = unit(r, d);
      float[] c = unit(r, d);
      // y near c: c plus a random perturbation, renormalised; r = |c - y| exactly, or a bit more
      float[] y = c.clone();
      float[] p = unit(r, d);
      double eps = r.nextDouble() * (r.nextBoolean() ? 0.05 : 1.5);
      double n = 0;
      for (int i = 0; i < d; i++) {
        y[i] += (float) (eps * p[i]);
        n += y[i] * y[i];
      }
      for (int i = 0; i < d; i++) {
        y[i] /= (float) Math.sqrt(n);
      }
      double dist = 0;
      for (int i = 0; i < d; i++) {
        dist += (c[i] - y[i]) * (c[i] - y[i]);
      }
      float rad = (float) Math.sqrt(dist) * (r.nextBoolean() ? 1f : 1f + (float) r.nextDouble());
      float s = dot(q, c);
      float b = TreeSearch.cosineBound(s, rad);
      assertTrue(dot(q, y) <= b, "bound " + b + " below <q,y> " + dot(q, y) + " (s " + s + ", r " + rad + ")");
      assertTrue(b <= TreeSearch.bound(s, 1f, rad));
      tighter += b < TreeSearch.bound(s, 1f, rad) - 1e-3 ? 1 : 0;
    }
    assertTrue(tighter > 100_000, "tighter in most cases: " + tighter);
  }
}
