package dev.negmine.train.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma and Ba) over a fixed list of parameter arrays, computed on the host: the moments and
 * a mirror of every parameter live in Java arrays, so a step is one gradient copy out and one
 * parameter copy in per array, and a checkpoint saves and restores the state exactly (DJL's
 * optimizers keep their state private); the update itself is {@link AdamRule}'s. Single-threaded: one instance per trainer.
 *
 * <p>Why on the host: the engine's fused {@code adamUpdate} took 2–2.6 ms per step for the 217k
 * parameters of the default MLP on one thread, and 11–12 ms once the moments of dead units decayed
 * into subnormal floats; this loop (vectorised by the JIT) takes about 0.2 ms. Tiny moments are
 * flushed to zero before they can become subnormal (see {@link AdamRule#TINY}), as
 * {@code torch.set_flush_denormal} would.
 *
 * <p>{@link #step} must run with gradient recording off (after the gradient collector closed); it
 * updates the parameters in place and zeroes their gradients. Nothing else may write the parameter
 * arrays between steps without calling {@link #rebind} (the mirror would go stale).
 */
public final class Adam {
  private List<NDArray> params;
  private final float[][] w;
  private final float[][] m;
  private final float[][] v;
  /** Per parameter: written through a direct view of its host memory (else through set()). */
  private final boolean[] direct;
  private float lr;
  private final float beta1;
  private final float beta2;
  private final float eps;
  private long t;
  private float[] scratch = new float[0];

  /** @param params the parameter arrays, in a fixed order (the order checkpoints use) */
  public Adam(List<NDArray> params, double lr) {
    if (!(lr > 0)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
    }
    this.lr = (float) lr;
    this.beta1 = 0.9f;
    this.beta2 = 0.999f;
    this.eps = 1e-8f;
    int n = params.size();
    this.w = new float[n][];
    this.m = new float[n][];
    this.v = new float[n][];
    this.direct = new boolean[n];
    for (int i = 0; i < n; i++) {
      int size = Math.toIntExact(params.get(i).size());
      m[i] = new float[size];
      v[i] = new float[size];
    }
    rebind(params);
  }

  /** One update from the accumulated gradients. */
  public void step() {
    step(null);
  }

  /**
   * The parameters' accumulated gradients, flattened in parameter order (for a fused all-reduce
   * across replicas); the tensors' gradients are left as they are.
   */
  public float[] gradients() {
    int total = 0;
    for (float[] a : w) {
      total += a.length;
    }
    float[] out = new float[total];
    int o = 0;
    for (int i = 0; i < params.size(); i++) {
      int n = w[i].length;
      params.get(i).getGradient().toByteBuffer(true).asFloatBuffer().get(0, out, o, n);
      o += n;
    }
    return out;
  }

  /** Number of parameter values (all arrays together). */
  public long parameterCount() {
    long total = 0;
    for (float[] a : w) {
      total += a.length;
    }
    return total;
  }

  /** Sets the parameters' accumulated gradients to zero. */
  public void zeroGradients() {
    for (NDArray p : params) {
      if (p instanceof PtNDArray pt) {
        JniUtils.zeroGrad(pt);
      } else {
        p.getGradient().muli(0f);
      }
    }
  }

  /**
   * One update from {@code flatGradients} (parameter order, as {@link #gradients}) instead of the
   * tensors' own gradients, which are zeroed as by {@link #step()}; null: the tensors' gradients.
   */
  public void step(float[] flatGradients) {
    t++;
    int offset = 0;
    float stepSize = AdamRule.stepSize(lr, t, beta1, beta2);
    float epsScaled = AdamRule.epsScaled(eps, t, beta2);
    for (int i = 0; i < params.size(); i++) {
      NDArray p = params.get(i);
      NDArray grad = p.getGradient();
      int n = w[i].length;
      float[] g = scratch(n);
      if (flatGradients == null) {
        // toByteBuffer(true) is a direct view of a contiguous host tensor, else a copy: either reads right
        grad.toByteBuffer(true).asFloatBuffer().get(0, g, 0, n);
      } else {
        System.arraycopy(flatGradients, offset, g, 0, n);
        offset += n;
      }
      if (p instanceof PtNDArray pt) {
        JniUtils.zeroGrad(pt);
      } else {
        grad.muli(0f);
      }
      AdamRule.update(w[i], m[i], v[i], g, stepSize, epsScaled, beta1, beta2);
      AdamRule.afterUpdate(t, m[i], v[i]);
      if (direct[i]) {
        // a fresh view each step: a view kept across steps would dangle if the tensor's storage moved
        p.toByteBuffer(true).asFloatBuffer().put(0, w[i], 0, n);
      } else {
        p.set(w[i]);
      }
    }
  }

  /**
   * Whether writes through {@code p.toByteBuffer(true)} reach the tensor (a contiguous host tensor:
   * the buffer is a view of its memory), checked by writing one value through it; else (device
   * memory, or a copy) the parameter is written with {@code set}.
   */
  static boolean writesThroughView(NDArray p) {
    if (p.getDevice().isGpu() || p.size() == 0) {
      return false;
    }
    ByteBuffer bytes = p.toByteBuffer(true);
    FloatBuffer view = bytes.asFloatBuffer();
    if (!bytes.isDirect() || view.capacity() != p.size()) {
      return false;
    }
    float old = view.get(0);
    float probe = old == 1f ? 2f : 1f;
    view.put(0, probe);
    boolean aliases = p.getFloat(new long[p.getShape().dimension()]) == probe;
    view.put(0, old);
    return aliases;
  }

  private float[] scratch(int n) {
    if (scratch.length < n) {
      scratch = new float[n];
    }
    return scratch;
  }


  /** Sets the learning rate for later steps (curriculum phases scale it). */
  public void learningRate(double lr) {
    if (!(lr > 0)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
    }
    this.lr = (float) lr;
  }

  /**
   * Points the optimizer at the parameter arrays (again, after weights were reloaded) and reads
   * their current values into the host mirror.
   */
  public void rebind(List<NDArray> newParams) {
    if (newParams.size() != m.length) {
      throw new IllegalArgumentException("expected " + m.length + " parameters, got " + newParams.size());
    }
    for (int i = 0; i < m.length; i++) {
      if (newParams.get(i).size() != m[i].length) {
        throw new IllegalArgumentException("parameter " + i + " has " + newParams.get(i).size()
            + " values, expected " + m[i].length);
      }
      w[i] = newParams.get(i).toFloatArray();
      direct[i] = writesThroughView(newParams.get(i));
    }
    this.params = List.copyOf(newParams);
  }

  /**
   * Overwrites every parameter with {@code flat} (parameter order, as {@link #gradients}) and the
   * host mirror with it: how replicas start from rank 0's weights.
   */
  public void setWeights(float[] flat) {
    int o = 0;
    for (int i = 0; i < params.size(); i++) {
      int n = w[i].length;
      if (o + n > flat.length) {
        throw new IllegalArgumentException("expected " + (o + n) + "+ weights, got " + flat.length);
      }
      System.arraycopy(flat, o, w[i], 0, n);
      if (direct[i]) {
        params.get(i).toByteBuffer(true).asFloatBuffer().put(0, w[i], 0, n);
      } else {
        params.get(i).set(w[i]);
      }
      o += n;
    }
    if (o != flat.length) {
      throw new IllegalArgumentException("expected " + o + " weights, got " + flat.length);
    }
  }

  /** The current weights flattened in parameter order. */
  public float[] weights() {
    int total = 0;
    for (float[] a : w) {
      total += a.length;
    }
    float[] out = new float[total];
    int o = 0;
    for (float[] a : w) {
      System.arraycopy(a, 0, out, o, a.length);
      o += a.length;
    }
    return out;
  }

  /** Number of updates taken. */
  public long steps() {
    return t;
  }

  /** Copies of the first- and then the second-moment arrays, parameter by parameter, for checkpoints. */
  public List<float[]> state() {
    return copyMoments(m, v);
  }

  /** Restores moments and the step count saved from an optimizer over the same parameters. */
  public void restore(List<float[]> state, long steps) {
    restoreMoments(state, m, v);
    this.t = steps;
  }

  /** Copies of {@code m}'s then {@code v}'s arrays (the checkpoint layout of negmine's Adam optimizers). */
  static List<float[]> copyMoments(float[][] m, float[][] v) {
    List<float[]> out = new ArrayList<>();
    for (float[] a : m) {
      out.add(a.clone());
    }
    for (float[] a : v) {
      out.add(a.clone());
    }
    return out;
  }

  /** Copies {@code state} (as {@link #copyMoments} lays it out) into {@code m} and {@code v}, checking every length. */
  static void restoreMoments(List<float[]> state, float[][] m, float[][] v) {
    if (state.size() != 2 * m.length) {
      throw new IllegalArgumentException("optimizer state has " + state.size() + " arrays, expected " + 2 * m.length);
    }
    for (int i = 0; i < state.size(); i++) {
      float[] target = i < m.length ? m[i] : v[i - m.length];
      if (state.get(i).length != target.length) {
        throw new IllegalArgumentException("optimizer state array " + i + " has " + state.get(i).length
            + " values, expected " + target.length);
      }
      System.arraycopy(state.get(i), 0, target, 0, target.length);
    }
  }
}
