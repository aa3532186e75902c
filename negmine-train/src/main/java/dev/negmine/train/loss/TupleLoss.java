package dev.negmine.train.loss;

import ai.djl.ndarray.NDArray;
import dev.negmine.core.mining.Triplets;

/**
 * A metric-learning loss over mined index tuples. A pure function: it reads the embeddings and the
 * tuples and returns a scalar on the same graph (so gradients reach the encoder), keeping no state;
 * statistics such as the active fraction are computed by monitors, not here.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface TupleLoss {
  /** A short name for logs and configs, e.g. {@code triplet(margin=0.2)}. */
  String name();

  /**
   * The loss of the tuples over {@code embeddings}.
   *
   * @param embeddings B x d embeddings (L2-normalised by the encoders)
   * @param labels B labels, for losses that build their own pairs (InfoNCE); others ignore it
   * @param tuples anchor/positive/negative row indices into {@code embeddings}; may be empty
   * @return a scalar; zero (still attached to the graph) when there is nothing to learn from
   */
  NDArray compute(NDArray embeddings, long[] labels, Triplets tuples);
}
