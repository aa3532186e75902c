package dev.negmine.core.model;

import dev.negmine.core.data.LabeledData;
import dev.negmine.core.linalg.FloatMatrix;

/**
 * A trained encoder as the jobs that only apply one see it (offline mining, Spark executors): raw
 * items in, embeddings out, with exactly the preprocessing it was trained with. The engine behind
 * it (negmine-train's PyTorch model) stays out of the caller's dependencies; {@link Embedders}
 * loads one from a run directory.
 *
 * <p>Owns native memory: close it. Not thread-safe: one instance per thread (pool them).
 */
public interface Embedder extends AutoCloseable {
  /** Raw features per item the model reads. */
  int inputDim();

  /** Length of each embedding it returns. */
  int embeddingSize();

  /**
   * Embeds raw items (as read from disk), one row per item, in order.
   *
   * @throws IllegalArgumentException when the items do not have {@link #inputDim()} features
   */
  FloatMatrix embed(LabeledData data);

  /** Frees the model's memory; the embedder cannot be used afterwards. */
  @Override
  void close();
}
