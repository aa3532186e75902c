package dev.negmine.train.loss;

import ai.djl.ndarray.NDArray;

/**
 * A loss over negatives from any source ({@link StepTuples}): live rows carry gradients, constant
 * rows do not. A pure function of its inputs; immutable and thread-safe.
 */
public interface SourceLoss {
  /** A short name for logs, e.g. {@code triplet(margin=0.2)}. */
  String name();

  /**
   * @param live the step's live rows on the graph ({@code tuples.liveRows()} x d)
   * @param constants the constant rows as an engine array, or null when there are none
   * @return a scalar on the graph; zero, still attached, when there is nothing to learn from
   */
  NDArray compute(NDArray live, NDArray constants, StepTuples tuples);
}
