package dev.negmine.train.engine;

/**
 * The Adam update rule (Kingma and Ba; as {@code torch.optim.Adam}) on host float arrays, with the
 * bias corrections folded into the step size and epsilon: {@code p -= lr * (m / c1) / (sqrt(v /
 * c2) + eps)} computed as {@code p -= (lr sqrt(c2) / c1) m / (sqrt(v) + eps sqrt(c2))}. The one
 * update every negmine optimizer runs: {@link Adam} (PyTorch parameters mirrored on the host) and
 * the plain-Java towers of the dynamic-index experiment. Stateless static kernels; the caller owns
 * the moment arrays, and two threads may update disjoint arrays at once.
 *
 * <p>Float arithmetic in a fixed order, so a run is reproducible bit for bit on every JVM (Java
 * does not contract to FMA); the loops are left for the JIT to vectorise.
 */
public final class AdamRule {
  public static final float BETA1 = 0.9f;
  public static final float BETA2 = 0.999f;
  public static final float EPS = 1e-8f;
  /**
   * Moments below this are set to zero every {@link #FLUSH_EVERY} steps. Between two flushes a first
   * moment shrinks at most by 0.9^64 (1e-3) and a second by 0.999^64, so none becomes subnormal
   * (< 1.2e-38), where every float operation on it costs ~100 cycles. A moment of 1e-30 moves a
   * parameter by at most lr * 1e-22, so the flush never changes training.
   */
  public static final float TINY = 1e-30f;
  public static final int FLUSH_EVERY = 64;

  private AdamRule() {}

  /** {@code lr sqrt(c2) / c1} for update number {@code t} (1-based). */
  public static float stepSize(double lr, long t, float beta1, float beta2) {
    float c1 = (float) (1 - Math.pow(beta1, t));
    float c2 = (float) (1 - Math.pow(beta2, t));
    return (float) (lr * Math.sqrt(c2) / c1);
  }

  /** {@code eps sqrt(c2)} for update number {@code t} (1-based). */
  public static float epsScaled(float eps, long t, float beta2) {
    float c2 = (float) (1 - Math.pow(beta2, t));
    return eps * (float) Math.sqrt(c2);
  }

  /**
   * One update of {@code p} (length n = p.length) from gradient {@code g} (at least n long), moments
   * {@code m} and {@code v} updated in place.
   */
  public static void update(float[] p, float[] m, float[] v, float[] g, float stepSize, float epsScaled, float beta1,
      float beta2) {
    float a1 = 1 - beta1;
    float a2 = 1 - beta2;
    for (int k = 0; k < p.length; k++) { // p.length, not g.length: g may be a longer scratch
      float gk = g[k];
      float mk = beta1 * m[k] + a1 * gk;
      float vk = beta2 * v[k] + a2 * gk * gk;
      m[k] = mk;
      v[k] = vk;
      p[k] -= stepSize * mk / ((float) Math.sqrt(vk) + epsScaled);
    }
  }

  /** After update number {@code t}: flushes tiny moments every {@link #FLUSH_EVERY} updates. */
  public static void afterUpdate(long t, float[] m, float[] v) {
    if (t % FLUSH_EVERY == 0) {
      flushTiny(m);
      flushTiny(v);
    }
  }

  /** Sets values below {@link #TINY} to zero (a separate pass: a branch in the update loop stops it vectorising). */
  static void flushTiny(float[] a) {
    for (int k = 0; k < a.length; k++) {
      if (Math.abs(a[k]) < TINY) {
        a[k] = 0f;
      }
    }
  }
}
