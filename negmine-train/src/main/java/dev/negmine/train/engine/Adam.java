package dev.negmine.train.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma and Ba) over a fixed list of parameter arrays, with its moment estimates held as
 * plain arrays so a checkpoint can save and restore them exactly (DJL's optimizers keep their state
 * private). Single-threaded: one instance per trainer.
 *
 * <p>{@link #step} must run with gradient recording off (after the gradient collector closed); it
 * updates the parameters in place and zeroes their gradients.
 */
public final class Adam {
  private List<NDArray> params;
  private final List<NDArray> m = new ArrayList<>();
  private final List<NDArray> v = new ArrayList<>();
  private float lr;
  private final float beta1;
  private final float beta2;
  private final float eps;
  private long t;

  /**
   * @param params the parameter arrays, in a fixed order (the order checkpoints use)
   * @param manager owns the moment arrays
   */
  public Adam(List<NDArray> params, NDManager manager, double lr) {
    if (!(lr > 0)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
    }
    this.params = List.copyOf(params);
    this.lr = (float) lr;
    this.beta1 = 0.9f;
    this.beta2 = 0.999f;
    this.eps = 1e-8f;
    for (NDArray p : params) {
      m.add(manager.zeros(p.getShape()));
      v.add(manager.zeros(p.getShape()));
    }
  }

  /**
   * One update from the accumulated gradients. Call inside an {@link ai.djl.ndarray.NDScope} so the
   * temporaries it makes are freed when the scope closes.
   */
  public void step() {
    t++;
    float c1 = (float) (1 - Math.pow(beta1, t));
    float c2 = (float) (1 - Math.pow(beta2, t));
    float stepSize = (float) (lr * Math.sqrt(c2) / c1);
    // the engine's fused update (one native call per parameter, moments updated in place, gradient
    // zeroed) computes p -= stepSize * m / (sqrt(v) + eps'); eps' = eps * sqrt(c2) puts eps on the
    // bias-corrected sqrt(v) / sqrt(c2), as the paper and torch.optim.Adam do
    float epsScaled = eps * (float) Math.sqrt(c2);
    for (int i = 0; i < params.size(); i++) {
      NDArray p = params.get(i);
      p.getNDArrayInternal().adamUpdate(
          new NDList(p, p.getGradient(), m.get(i), v.get(i)), new NDList(p),
          lr, stepSize, 0f, 1f, -1f, beta1, beta2, epsScaled, false, false);
    }
  }

  /** Sets the learning rate for later steps (curriculum phases scale it). */
  public void learningRate(double lr) {
    if (!(lr > 0)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
    }
    this.lr = (float) lr;
  }

  /** Points the optimizer at new arrays for the same parameters (after weights were reloaded). */
  public void rebind(List<NDArray> newParams) {
    if (newParams.size() != params.size()) {
      throw new IllegalArgumentException("expected " + params.size() + " parameters, got " + newParams.size());
    }
    this.params = List.copyOf(newParams);
  }

  /** Number of updates taken. */
  public long steps() {
    return t;
  }

  /** The first- and then the second-moment arrays, parameter by parameter, for checkpoints. */
  public List<NDArray> state() {
    List<NDArray> out = new ArrayList<>(m);
    out.addAll(v);
    return out;
  }

  /** Restores moments and the step count saved from an optimizer over the same parameters. */
  public void restore(List<float[]> state, long steps) {
    if (state.size() != 2 * params.size()) {
      throw new IllegalArgumentException("optimizer state has " + state.size() + " arrays, expected " + 2 * params.size());
    }
    for (int i = 0; i < state.size(); i++) {
      NDArray target = i < params.size() ? m.get(i) : v.get(i - params.size());
      if (state.get(i).length != target.size()) {
        throw new IllegalArgumentException("optimizer state array " + i + " has " + state.get(i).length
            + " values, expected " + target.size());
      }
      target.set(state.get(i));
    }
    this.t = steps;
  }
}
