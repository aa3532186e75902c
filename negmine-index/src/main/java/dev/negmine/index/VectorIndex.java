package dev.negmine.index;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.PairFilter;
import dev.negmine.core.linalg.TopK;
import java.time.Duration;
import java.util.Map;

/**
 * Nearest-neighbour search over a fixed corpus of rows, each with an item id. Built once by {@link
 * VectorIndexes}; immutable afterwards.
 *
 * <p>Thread safety: {@link #search} is safe to call from many threads at once (each call uses its
 * own scorers and scratch space) and itself spreads the queries over the index's worker threads.
 *
 * <p>Result contract, shared by every implementation: {@link TopK} indices are corpus row numbers
 * (map them to ids with {@link #ids()}), scores are exact under {@link #distance()} (up to float
 * rounding: exact search expands the square, HNSW re-scores pairs directly) as the core's
 * kernels compute them, best first, equal scores by increasing row. Approximate indexes may miss
 * true neighbours (see recall), never return a row twice, and fill unfillable slots with -1 / NaN.
 */
public interface VectorIndex {
  /** {@code exact} or {@code hnsw}. */
  String kind();

  int size();

  int dimension();

  Distance distance();

  /** The id of every corpus row (shared, do not modify). */
  long[] ids();

  /** The corpus rows (shared, do not modify). */
  FloatMatrix vectors();

  /** For each query row, its {@code k} best corpus rows ({@code k} clamped to the size). */
  default TopK search(FloatMatrix queries, int k) {
    return search(queries, k, null);
  }

  /**
   * As {@link #search(FloatMatrix, int)} over the pairs {@code filter} accepts (null: all). HNSW
   * walks through rejected nodes but never returns them, so recall holds for selective filters.
   */
  TopK search(FloatMatrix queries, int k, PairFilter filter);

  /** Wall time the build took. */
  Duration buildTime();

  /**
   * Provenance: kind, distance, parameters, build threads and time, vector backend, JDK and OS. A
   * pool manifest records it verbatim.
   */
  Map<String, Object> provenance();
}
