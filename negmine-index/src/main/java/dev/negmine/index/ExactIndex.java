package dev.negmine.index;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.PairFilter;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.linalg.TopK;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;

/** Brute-force search through the core's streamed top-k kernel; the recall oracle for HNSW. */
final class ExactIndex implements SelfJoinIndex {
  private final FloatMatrix corpus;
  private final long[] ids;
  private final Distance distance;
  private final Map<String, Object> provenance;

  ExactIndex(FloatMatrix corpus, long[] ids, Distance distance) {
    this.corpus = corpus;
    this.ids = ids;
    this.distance = distance;
    this.provenance = Collections.unmodifiableMap(
        VectorIndexes.baseProvenance("exact", distance, corpus.rows(), corpus.cols()));
  }

  @Override
  public String kind() {
    return "exact";
  }

  @Override
  public int size() {
    return corpus.rows();
  }

  @Override
  public int dimension() {
    return corpus.cols();
  }

  @Override
  public Distance distance() {
    return distance;
  }

  @Override
  public long[] ids() {
    return ids;
  }

  @Override
  public FloatMatrix vectors() {
    return corpus;
  }

  @Override
  public TopK search(FloatMatrix queries, int k, PairFilter filter) {
    return Similarities.topK(queries, corpus, distance, k, filter);
  }

  /** The core's self-join: bit-identical to {@code search(vectors(), k, filter)}, half the flops. */
  @Override
  public TopK selfJoin(int k, PairFilter filter) {
    return Similarities.selfTopK(corpus, distance, k, filter);
  }

  @Override
  public Duration buildTime() {
    return Duration.ZERO;
  }

  @Override
  public Map<String, Object> provenance() {
    return provenance;
  }
}
