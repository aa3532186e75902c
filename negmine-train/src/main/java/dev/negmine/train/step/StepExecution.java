package dev.negmine.train.step;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.train.engine.Adam;

/**
 * Where a training step's forward and backward passes run: in this process
 * ({@link LocalExecution}) or sharded over data-parallel replicas ({@link ReplicaExecution}). The
 * step itself (views, mining, sources, loss) is the same for both. Training-thread only.
 */
public interface StepExecution {
  /**
   * Embeds the step's forward rows with gradients recorded.
   *
   * @param x preprocessed features of every forward row, in the step's global order
   * @param rowLabels label per forward row (replicas check that they agree on the batch)
   * @param rowIds item id per forward row
   */
  Encoded forward(GradientCollector gc, FloatMatrix x, long[] rowLabels, long[] rowIds, long step);

  /**
   * Turns the loss into parameter gradients: either {@code loss}, a scalar on
   * {@link Encoded#graph()}, or {@code hostGradient}, d loss / d embeddings of the first
   * {@code hostGradient.length / d} rows computed on the host (one of the two is null).
   */
  void backward(GradientCollector gc, Encoded encoded, NDArray loss, float[] hostGradient);

  /** Applies the optimizer to the step's gradients (summed over replicas where there are several). */
  void update(Adam adam);
}
