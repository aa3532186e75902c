package dev.negmine.core.linalg;

/**
 * A top-k assembled from many partial scans, for callers that score each query against only some
 * of the keys, in pieces: an inverted-file index scores every query against the partitions it
 * probes, one partition at a time. Pairs compete by (score, then key index), so the result depends
 * only on which (query, key) pairs were scanned, never on the order or grouping of the scans: the
 * same pairs give the same {@link TopK} as {@link Similarities#topK} over them, bit for bit (the
 * scores come from the same tile kernel). Ties go to the lowest key index; a query with fewer than
 * k accepted keys gets -1 / NaN slots. Runs on the calling thread; one thread per instance.
 */
public final class PartialTopK {
  private final TopKCollector heaps;
  private final Distance distance;
  private final boolean similarity;
  /** Per query, the key a newcomer must beat (distance-like: similarities negated); +inf until full. */
  private final float[] bound;

  /**
   * @param queries query rows, numbered 0 .. queries - 1 in {@link #scan}
   * @param k keys kept per query (at least 0)
   * @param filter asked (query, key id) only about pairs that would enter; null accepts every pair
   */
  public PartialTopK(int queries, int k, Distance distance, PairFilter filter) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, got " + k);
    }
    this.heaps = new TopKCollector(queries, k, distance.isSimilarity(), filter);
    this.distance = distance;
    this.similarity = distance.isSimilarity();
    this.bound = new float[queries];
    java.util.Arrays.fill(bound, Float.POSITIVE_INFINITY);
  }

  /**
   * Scores every row of {@code q} against every row of {@code keys} and offers the pairs: row
   * {@code i} of {@code q} is query {@code rows[i]}, row {@code j} of {@code keys} is key
   * {@code keyIds[j]} (the index the result reports). Each (query, key) pair must be scanned at
   * most once over all calls: a pair scanned twice could be kept twice.
   */
  public void scan(FloatMatrix q, int[] rows, FloatMatrix keys, int[] keyIds) {
    if (q.rows() != rows.length || keys.rows() != keyIds.length) {
      throw new IllegalArgumentException("scan: " + q.rows() + " query rows for " + rows.length + " ids, "
          + keys.rows() + " key rows for " + keyIds.length + " ids");
    }
    if (q.rows() == 0 || keys.rows() == 0) {
      return;
    }
    SimilarityEngine.checkDims(q, keys);
    Similarities.serialEngine().forEachBlock(q, keys, distance, (r0, r1, c0, c1, block) -> {
      int w = c1 - c0;
      for (int r = r0; r < r1; r++) {
        int query = rows[r];
        float b = bound[query];
        int o = (r - r0) * w;
        for (int j = 0; j < w; j++) {
          float v = similarity ? -block[o + j] : block[o + j];
          if (v <= b) { // ties with the bound may still win on the key index; NaN never passes
            b = heaps.offer(query, v, keyIds[c0 + j]);
          }
        }
        bound[query] = b;
      }
    });
  }

  /** The kept keys, best first. The instance must not be used afterwards. */
  public TopK result() {
    return heaps.result();
  }
}
