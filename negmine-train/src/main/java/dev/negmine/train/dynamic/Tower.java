package dev.negmine.train.dynamic;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.linalg.VectorOps;
import dev.negmine.train.engine.AdamRule;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One tower of the experiment's dual encoder: {@code x -> normalize(W2 relu(W1 x + b1) + b2)},
 * with hand-written gradients and the engine's Adam rule ({@link AdamRule}). Matrix products, row
 * norms and row dot products run through the core's SIMD kernels ({@link Similarities#matrix},
 * {@link VectorOps}); the rest of the backward pass is plain loops over contiguous rows.
 * Not thread-safe. Every row encoded is counted ({@link #forwardRows}).
 */
final class Tower {
  final int in;
  final int hidden;
  final int out;
  final float[] w1; // hidden x in
  final float[] b1;
  final float[] w2; // out x hidden
  final float[] b2;
  private final float[][] params;
  private final float[][] grads;
  private final float[][] m;
  private final float[][] v;
  private long adamSteps;
  long forwardRows;

  Tower(int in, int hidden, int out, long seed) {
    this.in = in;
    this.hidden = hidden;
    this.out = out;
    SplittableRandom r = new SplittableRandom(seed);
    w1 = gaussian(hidden * in, Math.sqrt(2.0 / in), r);
    b1 = new float[hidden];
    w2 = gaussian(out * hidden, Math.sqrt(1.0 / hidden), r);
    b2 = new float[out];
    params = new float[][] {w1, b1, w2, b2};
    grads = new float[4][];
    m = new float[4][];
    v = new float[4][];
    for (int i = 0; i < 4; i++) {
      grads[i] = new float[params[i].length];
      m[i] = new float[params[i].length];
      v[i] = new float[params[i].length];
    }
  }

  private static float[] gaussian(int n, double std, SplittableRandom r) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (std * r.nextGaussian());
    }
    return a;
  }

  /** Activations kept for the backward pass. */
  record Cache(FloatMatrix x, FloatMatrix h, FloatMatrix y, float[] norms, FloatMatrix e) {}

  /** Encodes rows of {@code x} (unit-norm outputs) without keeping activations. */
  FloatMatrix encode(FloatMatrix x) {
    return forward(x).e();
  }

  Cache forward(FloatMatrix x) {
    forwardRows += x.rows();
    FloatMatrix h = Similarities.matrix(x, FloatMatrix.of(hidden, in, w1), Distance.DOT);
    float[] hd = h.data();
    for (int r = 0; r < x.rows(); r++) {
      int off = r * hidden;
      for (int j = 0; j < hidden; j++) {
        float a = hd[off + j] + b1[j];
        hd[off + j] = a > 0 ? a : 0f;
      }
    }
    FloatMatrix y = Similarities.matrix(h, FloatMatrix.of(out, hidden, w2), Distance.DOT);
    float[] yd = y.data();
    float[] norms = new float[x.rows()];
    FloatMatrix e = FloatMatrix.zeros(x.rows(), out);
    for (int r = 0; r < x.rows(); r++) {
      int off = r * out;
      for (int j = 0; j < out; j++) {
        yd[off + j] += b2[j];
      }
      float n = (float) Math.max(Math.sqrt(VectorOps.sumOfSquares(yd, off, out)), 1e-12);
      norms[r] = n;
      for (int j = 0; j < out; j++) {
        e.data()[off + j] = yd[off + j] / n;
      }
    }
    return new Cache(x, h, y, norms, e);
  }

  /** Accumulates parameter gradients given dLoss/d(normalised output) {@code de} (rows x out). */
  void backward(Cache c, FloatMatrix de) {
    int rows = c.x().rows();
    float[] ed = c.e().data();
    float[] hd = c.h().data();
    FloatMatrix dy = FloatMatrix.zeros(rows, out);
    float[] dyd = dy.data();
    for (int r = 0; r < rows; r++) {
      int eo = r * out;
      double dot = VectorOps.dot(ed, eo, de.data(), eo, out);
      float inv = 1f / c.norms()[r];
      for (int j = 0; j < out; j++) {
        dyd[eo + j] = (float) ((de.data()[eo + j] - ed[eo + j] * dot) * inv);
      }
    }
    // gW2 = dY^T H, gb2 = column sums of dY
    FloatMatrix dyT = transpose(dy);
    accumulate(grads[2], Similarities.matrix(dyT, transpose(c.h()), Distance.DOT));
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < out; j++) {
        grads[3][j] += dyd[r * out + j];
      }
    }
    // dH = dY W2, masked by relu'
    FloatMatrix dh = Similarities.matrix(dy, transpose(FloatMatrix.of(out, hidden, w2)), Distance.DOT);
    float[] dhd = dh.data();
    for (int i = 0; i < dhd.length; i++) {
      if (hd[i] <= 0f) {
        dhd[i] = 0f;
      }
    }
    accumulate(grads[0], Similarities.matrix(transpose(dh), transpose(c.x()), Distance.DOT));
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < hidden; j++) {
        grads[1][j] += dhd[r * hidden + j];
      }
    }
  }

  static FloatMatrix transpose(FloatMatrix a) {
    FloatMatrix t = FloatMatrix.zeros(a.cols(), a.rows());
    float[] ad = a.data();
    float[] td = t.data();
    int r = a.rows();
    int c = a.cols();
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        td[j * r + i] = ad[i * c + j];
      }
    }
    return t;
  }

  private static void accumulate(float[] g, FloatMatrix m) {
    float[] md = m.data();
    for (int i = 0; i < g.length; i++) {
      g[i] += md[i];
    }
  }

  /** One step of the engine's Adam rule ({@link AdamRule}) on the accumulated gradients, then clears them. */
  void adam(double lr) {
    adamSteps++;
    float stepSize = AdamRule.stepSize(lr, adamSteps, AdamRule.BETA1, AdamRule.BETA2);
    float epsScaled = AdamRule.epsScaled(AdamRule.EPS, adamSteps, AdamRule.BETA2);
    for (int p = 0; p < 4; p++) {
      AdamRule.update(params[p], m[p], v[p], grads[p], stepSize, epsScaled, AdamRule.BETA1, AdamRule.BETA2);
      AdamRule.afterUpdate(adamSteps, m[p], v[p]);
      Arrays.fill(grads[p], 0f);
    }
  }

  /** Gradient buffers (w1, b1, w2, b2), for the gradient check. */
  float[][] gradients() {
    return grads;
  }

  float[][] parameters() {
    return params;
  }

  Tower copy() {
    Tower t = new Tower(in, hidden, out, 0);
    for (int p = 0; p < 4; p++) {
      System.arraycopy(params[p], 0, t.params[p], 0, params[p].length);
    }
    return t;
  }
}
