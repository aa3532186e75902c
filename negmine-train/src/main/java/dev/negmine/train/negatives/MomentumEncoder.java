package dev.negmine.train.negatives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.train.Trainer;
import dev.negmine.train.model.EncoderSpec;
import dev.negmine.train.model.Encoders;
import java.util.ArrayList;
import java.util.List;

/**
 * MoCo's key encoder: a second copy of the encoder whose weights follow the query encoder's as an
 * exponential moving average, {@code key <- m * key + (1 - m) * query} after every optimizer step.
 * It embeds the keys that go into the memory queue, without gradients. Starts as an exact copy of
 * the query encoder. Single-threaded (the training thread); owns no manager of its own.
 */
public final class MomentumEncoder {
  private final double momentum;
  private final Block block;
  private final List<NDArray> params = new ArrayList<>();
  private final NDManager manager;
  private final ParameterStore store;
  private final int dim;

  /**
   * @param query the query encoder's parameters, in block order
   * @param manager owns the key encoder's arrays (the trainer's)
   */
  public MomentumEncoder(EncoderSpec spec, List<NDArray> query, double momentum, NDManager manager) {
    if (!(momentum > 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in (0, 1), got " + momentum);
    }
    this.momentum = momentum;
    this.manager = manager;
    this.dim = spec.embeddingSize();
    this.block = Encoders.build(spec);
    block.initialize(manager, DataType.FLOAT32, new Shape(1, spec.inputDim()));
    for (Pair<String, Parameter> p : block.getParameters()) {
      params.add(p.getValue().getArray());
    }
    if (params.size() != query.size()) {
      throw new IllegalStateException("key encoder has " + params.size() + " parameters, query encoder " + query.size());
    }
    for (int i = 0; i < params.size(); i++) {
      params.get(i).set(query.get(i).toFloatArray());
    }
    this.store = new ParameterStore(manager, false);
  }

  public double momentum() {
    return momentum;
  }

  /** One EMA update from the query encoder's current parameters (gradient recording must be off). */
  public void update(List<NDArray> query) {
    float m = (float) momentum;
    try (NDScope scope = new NDScope()) {
      for (int i = 0; i < params.size(); i++) {
        NDArray k = params.get(i);
        k.muli(m).addi(query.get(i).mul(1f - m));
      }
      scope.suppressNotUsedWarning();
    }
  }

  /** Embeds preprocessed features with the key encoder, without gradients. */
  public FloatMatrix embed(FloatMatrix x) {
    return Trainer.embedWith(block, manager, store, x, dim);
  }

  /** The key weights as host arrays, in parameter order (for checkpoints and tests). */
  public List<float[]> weights() {
    List<float[]> out = new ArrayList<>();
    for (NDArray a : params) {
      out.add(a.toFloatArray());
    }
    return out;
  }

  /** Restores weights saved by {@link #weights()}. */
  public void restore(List<float[]> w) {
    if (w.size() != params.size()) {
      throw new IllegalArgumentException("key encoder state has " + w.size() + " arrays, expected " + params.size());
    }
    for (int i = 0; i < params.size(); i++) {
      if (w.get(i).length != params.get(i).size()) {
        throw new IllegalArgumentException("key encoder array " + i + " has " + w.get(i).length + " values, expected "
            + params.get(i).size());
      }
      params.get(i).set(w.get(i));
    }
  }
}
