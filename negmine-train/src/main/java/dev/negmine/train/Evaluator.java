package dev.negmine.train;

import dev.negmine.core.linalg.FloatMatrix;
import java.util.Map;

/**
 * Retrieval metrics of embeddings with labels (each item queries all others), by metric name, e.g.
 * {@code map_at_r}, {@code p_at_1}. Injected so the trainer does not fix which metrics exist.
 */
@FunctionalInterface
public interface Evaluator {
  Map<String, Double> evaluate(FloatMatrix embeddings, long[] labels);
}
