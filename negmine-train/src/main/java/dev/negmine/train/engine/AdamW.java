package dev.negmine.train.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;

/**
 * AdamW ({@code torch.optim.AdamW}: Adam with decoupled weight decay, Loshchilov and Hutter) with
 * global-norm gradient clipping ({@code torch.nn.utils.clip_grad_norm_}) and a learning rate given
 * per step, over a fixed list of parameter arrays, computed on the host like {@link Adam}: weights,
 * moments and gradients are Java arrays, so the state checkpoints exactly and the update is the
 * same {@link AdamRule} every negmine optimizer runs. For fine-tuning transformers: tens of
 * millions of values, one gradient copy out and one weight copy in per array and step.
 *
 * <p>Order of one {@link #step}: read every gradient, clip them together to {@code maxNorm} (the
 * L2 norm over all of them; 0 = no clipping), then per array {@code p *= 1 - lr * decay} where the
 * array decays, then the Adam update. Gradients are zeroed. Single-threaded; must run with
 * gradient recording off.
 */
public final class AdamW {
  private final List<NDArray> params;
  private final boolean[] decays;
  private final float[][] w;
  private final float[][] m;
  private final float[][] v;
  private final float[][] g;
  /** Per array: written through a direct view of its host memory (else through set()). */
  private final boolean[] direct;
  private final float weightDecay;
  private final float maxNorm;
  private long t;
  private double lastNorm;

  /**
   * @param params parameter arrays, in the order checkpoints use
   * @param decays per array, whether weight decay applies (sentence-transformers and BERT exempt
   *     biases and LayerNorm weights)
   * @param weightDecay decoupled decay factor (0 = Adam)
   * @param maxNorm clip the global gradient norm to this (0 = never)
   */
  public AdamW(List<NDArray> params, boolean[] decays, double weightDecay, double maxNorm) {
    if (decays.length != params.size()) {
      throw new IllegalArgumentException(params.size() + " parameters but " + decays.length + " decay flags");
    }
    if (!(weightDecay >= 0) || !(maxNorm >= 0)) {
      throw new IllegalArgumentException("weight decay and max norm must be >= 0, got " + weightDecay + ", " + maxNorm);
    }
    this.params = List.copyOf(params);
    this.decays = decays.clone();
    this.weightDecay = (float) weightDecay;
    this.maxNorm = (float) maxNorm;
    int n = params.size();
    w = new float[n][];
    m = new float[n][];
    v = new float[n][];
    g = new float[n][];
    direct = new boolean[n];
    for (int i = 0; i < n; i++) {
      direct[i] = Adam.writesThroughView(params.get(i));
      w[i] = params.get(i).toFloatArray();
      m[i] = new float[w[i].length];
      v[i] = new float[w[i].length];
      g[i] = new float[w[i].length];
    }
  }

  /**
   * One update with learning rate {@code lr} from the accumulated gradients, which are zeroed.
   *
   * @return the global gradient norm before clipping; when it is not finite nothing was updated
   *     (the step count stays), as a loss scaler skips an overflowing step
   */
  public double step(double lr) {
    double sq = 0;
    for (int i = 0; i < params.size(); i++) {
      NDArray grad = params.get(i).getGradient();
      grad.toByteBuffer(true).asFloatBuffer().get(0, g[i], 0, g[i].length);
      zero(params.get(i), grad);
      float[] a = g[i];
      double s = 0;
      for (float x : a) {
        s += x * x;
      }
      sq += s;
    }
    double norm = Math.sqrt(sq);
    lastNorm = norm;
    if (!Double.isFinite(norm)) {
      return norm; // a NaN or infinite gradient: no update (clipping would turn it into NaN weights); the caller decides
    }
    // clip_grad_norm_: scale by max / (norm + 1e-6) when that is below 1
    float scale = maxNorm > 0 && norm > maxNorm ? (float) (maxNorm / (norm + 1e-6)) : 1f;
    t++;
    float stepSize = AdamRule.stepSize(lr, t, AdamRule.BETA1, AdamRule.BETA2);
    float epsScaled = AdamRule.epsScaled(AdamRule.EPS, t, AdamRule.BETA2);
    float keep = (float) (1 - lr * weightDecay);
    for (int i = 0; i < params.size(); i++) {
      float[] gi = g[i];
      if (scale != 1f) {
        for (int k = 0; k < gi.length; k++) {
          gi[k] *= scale;
        }
      }
      float[] wi = w[i];
      if (decays[i] && weightDecay > 0) {
        for (int k = 0; k < wi.length; k++) {
          wi[k] *= keep;
        }
      }
      AdamRule.update(wi, m[i], v[i], gi, stepSize, epsScaled, AdamRule.BETA1, AdamRule.BETA2);
      AdamRule.afterUpdate(t, m[i], v[i]);
      write(params.get(i), wi, direct[i]);
    }
    return norm;
  }

  /** The global gradient norm (before clipping) of the last step. */
  public double lastNorm() {
    return lastNorm;
  }

  /** Updates taken. */
  public long steps() {
    return t;
  }

  /** Values over all arrays. */
  public long size() {
    long n = 0;
    for (float[] a : w) {
      n += a.length;
    }
    return n;
  }

  /** Copies of the first- then the second-moment arrays, for checkpoints. */
  public List<float[]> state() {
    return Adam.copyMoments(m, v);
  }

  /**
   * Restores moments and step count saved by {@link #state} over the same parameters, and re-reads
   * the weights from the arrays (which the caller restored first).
   */
  public void restore(List<float[]> state, long steps) {
    Adam.restoreMoments(state, m, v);
    for (int i = 0; i < params.size(); i++) {
      w[i] = params.get(i).toFloatArray();
    }
    t = steps;
  }

  private static void zero(NDArray p, NDArray grad) {
    if (p instanceof PtNDArray pt) {
      JniUtils.zeroGrad(pt);
    } else {
      grad.muli(0f);
    }
  }

  private static void write(NDArray p, float[] values, boolean direct) {
    if (direct) {
      // a fresh view each step: a view kept across steps would dangle if the tensor's storage moved
      p.toByteBuffer(true).asFloatBuffer().put(0, values, 0, values.length);
    } else {
      p.set(values);
    }
  }
}
