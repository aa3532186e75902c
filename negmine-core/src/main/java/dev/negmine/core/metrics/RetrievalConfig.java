package dev.negmine.core.metrics;

import dev.negmine.core.linalg.Distance;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What {@link RetrievalMetrics} computes: how neighbours are ranked and at which cut-offs recall
 * is reported.
 *
 * @param distance how items are compared; closer items rank first ({@link Distance#closer})
 * @param recallKs cut-offs for recall@k, each {@code >= 1}; stored sorted and without duplicates
 */
public record RetrievalConfig(Distance distance, List<Integer> recallKs) {
  /** The cut-offs of the deep-metric-learning papers (CUB, Cars196, SOP tables). */
  public static final List<Integer> DEFAULT_RECALL_KS = List.of(1, 2, 4, 8);

  public RetrievalConfig {
    Objects.requireNonNull(distance, "distance");
    Objects.requireNonNull(recallKs, "recallKs");
    TreeSet<Integer> sorted = new TreeSet<>();
    for (Integer k : recallKs) {
      if (k == null || k < 1) {
        throw new IllegalArgumentException("recall cut-offs must be >= 1, got " + recallKs);
      }
      sorted.add(k);
    }
    recallKs = List.copyOf(sorted);
  }

  /** Cosine similarity, recall at 1, 2, 4 and 8. */
  public static RetrievalConfig defaults() {
    return new RetrievalConfig(Distance.COSINE, DEFAULT_RECALL_KS);
  }

  public RetrievalConfig withDistance(Distance d) {
    return new RetrievalConfig(d, recallKs);
  }

  public RetrievalConfig withRecallKs(int... ks) {
    return new RetrievalConfig(distance, java.util.Arrays.stream(ks).boxed().toList());
  }

  /** The largest recall cut-off, or 1 when there is none (precision@1 needs one neighbour). */
  int maxK() {
    return recallKs.isEmpty() ? 1 : Math.max(1, recallKs.get(recallKs.size() - 1));
  }
}
