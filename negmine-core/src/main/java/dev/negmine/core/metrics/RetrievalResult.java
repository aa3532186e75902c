package dev.negmine.core.metrics;

import dev.negmine.core.linalg.Distance;
import java.util.Collections;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Retrieval metrics averaged over the queries (micro average: every query weighs the same).
 * Definitions are in {@link RetrievalMetrics}. When no item has a same-label partner
 * ({@code queries == 0}) every metric is NaN, written as {@code null} in JSON.
 *
 * @param distance how neighbours were ranked
 * @param queries items that were evaluated: those with at least one other item of their label
 * @param skippedQueries items whose label no other item has; they still serve as neighbours
 * @param precisionAt1 fraction of queries whose nearest neighbour has their label
 * @param recallAtK per cut-off k, the fraction of queries with a same-label item among the k nearest
 * @param rPrecision mean R-precision
 * @param mapAtR mean average precision at R (PML's {@code mean_average_precision_at_r})
 * @param mrr mean reciprocal rank of the first same-label item
 */
public record RetrievalResult(
    Distance distance,
    int queries,
    int skippedQueries,
    double precisionAt1,
    SortedMap<Integer, Double> recallAtK,
    double rPrecision,
    double mapAtR,
    double mrr) {

  public RetrievalResult {
    Objects.requireNonNull(distance, "distance");
    if (queries < 0 || skippedQueries < 0 || queries + skippedQueries < 0) {
      throw new IllegalArgumentException("counts must be non-negative and fit an int: queries " + queries
          + ", skipped " + skippedQueries);
    }
    recallAtK = Collections.unmodifiableSortedMap(new TreeMap<>(recallAtK));
    checkMetric("precisionAt1", precisionAt1, queries);
    checkMetric("rPrecision", rPrecision, queries);
    checkMetric("mapAtR", mapAtR, queries);
    checkMetric("mrr", mrr, queries);
    for (Map.Entry<Integer, Double> e : recallAtK.entrySet()) {
      if (e.getKey() == null || e.getKey() < 1 || e.getValue() == null) {
        throw new IllegalArgumentException("bad recall entry " + e);
      }
      checkMetric("recall@" + e.getKey(), e.getValue(), queries);
    }
  }

  /** Number of items (rows): every item is either a query or a skipped query. */
  public int items() {
    return queries + skippedQueries;
  }

  /**
   * Recall at cut-off {@code k}.
   *
   * @throws NoSuchElementException when {@code k} was not among the configured cut-offs
   */
  public double recallAt(int k) {
    Double v = recallAtK.get(k);
    if (v == null) {
      throw new NoSuchElementException("recall@" + k + " was not computed (cut-offs " + recallAtK.keySet() + ")");
    }
    return v;
  }

  /**
   * One-line JSON object, keys in snake_case after PML's names, e.g. {@code {"distance":
   * "cosine", "items": 10000, "queries": 10000, "skipped_queries": 0, "precision_at_1": 0.81,
   * "recall_at_k": {"1": 0.81, "2": 0.88}, "r_precision": 0.55, "mean_average_precision_at_r":
   * 0.45, "mean_reciprocal_rank": 0.86}}. Numbers use Java's shortest round-trip form; NaN is
   * {@code null}.
   */
  public String toJson() {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"distance\": \"").append(distance.cliName()).append('"');
    sb.append(", \"items\": ").append(items());
    sb.append(", \"queries\": ").append(queries);
    sb.append(", \"skipped_queries\": ").append(skippedQueries);
    sb.append(", \"precision_at_1\": ").append(number(precisionAt1));
    sb.append(", \"recall_at_k\": {");
    boolean first = true;
    for (Map.Entry<Integer, Double> e : recallAtK.entrySet()) {
      sb.append(first ? "" : ", ").append('"').append(e.getKey()).append("\": ").append(number(e.getValue()));
      first = false;
    }
    sb.append('}');
    sb.append(", \"r_precision\": ").append(number(rPrecision));
    sb.append(", \"mean_average_precision_at_r\": ").append(number(mapAtR));
    sb.append(", \"mean_reciprocal_rank\": ").append(number(mrr));
    return sb.append('}').toString();
  }

  private static String number(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "null";
  }

  private static void checkMetric(String name, double v, int queries) {
    if (queries == 0 ? !Double.isNaN(v) : !(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(name + " = " + v + " with " + queries
          + " queries (must be in [0, 1], or NaN when there are no queries)");
    }
  }
}
