package dev.negmine.core.mining;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;

/**
 * A score matrix with the labels and ids of its rows (queries, the anchors) and columns
 * (references, where positives and negatives come from). In self mode rows and columns are the
 * same items and the diagonal is never a pair.
 *
 * @param scores Q x R scores under {@code distance}
 * @param labels Q query labels
 * @param ids Q query ids, or null (every item distinct)
 * @param refLabels R reference labels
 * @param refIds R reference ids, or null
 * @param self true when the references are the queries themselves (Q == R, same order)
 * @param dimension the embeddings' dimension when known, else 0 (only {@code distance-weighted}
 *     needs it: its weights are the density of distances on the unit sphere of that dimension)
 */
public record MiningBatch(
    FloatMatrix scores,
    Distance distance,
    long[] labels,
    long[] ids,
    long[] refLabels,
    long[] refIds,
    boolean self,
    int dimension) {

  /** A batch whose embedding dimension is unknown. */
  public MiningBatch(
      FloatMatrix scores, Distance distance, long[] labels, long[] ids, long[] refLabels, long[] refIds, boolean self) {
    this(scores, distance, labels, ids, refLabels, refIds, self, 0);
  }

  public MiningBatch {
    if (dimension < 0) {
      throw new IllegalArgumentException("dimension must be >= 0 (0 = unknown), got " + dimension);
    }
    if (scores == null || distance == null || labels == null || refLabels == null) {
      throw new IllegalArgumentException("scores, distance, labels and refLabels must be set");
    }
    if (labels.length != scores.rows()) {
      throw new IllegalArgumentException(
          "labels has " + labels.length + " entries but the batch has " + scores.rows() + " rows");
    }
    if (refLabels.length != scores.cols()) {
      throw new IllegalArgumentException(
          "reference labels has " + refLabels.length + " entries but there are " + scores.cols() + " references");
    }
    if (ids != null && ids.length != labels.length) {
      throw new IllegalArgumentException("ids has " + ids.length + " entries but labels has " + labels.length);
    }
    if (refIds != null && refIds.length != refLabels.length) {
      throw new IllegalArgumentException(
          "reference ids has " + refIds.length + " entries but reference labels has " + refLabels.length);
    }
    if (self && scores.rows() != scores.cols()) {
      throw new IllegalArgumentException("a self batch needs a square score matrix, got " + scores);
    }
  }

  /** Scores a batch against itself under {@code config} (normalising first when it says so). */
  public static MiningBatch self(FloatMatrix embeddings, long[] labels, long[] ids, MinerConfig config) {
    FloatMatrix e = prepareSelf(embeddings, labels, ids, config);
    return new MiningBatch(Similarities.selfMatrix(e, config.distance()), config.distance(),
        labels, ids, labels, ids, true, embeddings.cols());
  }

  /** As {@link #self(FloatMatrix, long[], long[], MinerConfig)} for a batch of distinct items (no ids). */
  public static MiningBatch self(FloatMatrix embeddings, long[] labels, MinerConfig config) {
    return self(embeddings, labels, null, config);
  }

  /** A precomputed square score matrix of a batch against itself. */
  public static MiningBatch selfScores(FloatMatrix scores, Distance distance, long[] labels, long[] ids) {
    return new MiningBatch(scores, distance, labels, ids, labels, ids, true);
  }

  /** As {@link #selfScores(FloatMatrix, Distance, long[], long[])}, recording the embedding dimension. */
  public static MiningBatch selfScores(FloatMatrix scores, Distance distance, long[] labels, long[] ids, int dimension) {
    return new MiningBatch(scores, distance, labels, ids, labels, ids, true, dimension);
  }

  /**
   * Scores queries against a separate reference set (a memory queue, a corpus sample). A reference
   * with the same id as a query is that query itself and is never its positive or negative.
   */
  public static MiningBatch withReferences(
      FloatMatrix queries, long[] labels, long[] ids,
      FloatMatrix references, long[] refLabels, long[] refIds, MinerConfig config) {
    checkRows("labels", labels.length, queries.rows());
    checkRows("reference labels", refLabels.length, references.rows());
    FloatMatrix q = prepare(queries, config);
    FloatMatrix r = prepare(references, config);
    return new MiningBatch(Similarities.matrix(q, r, config.distance()), config.distance(),
        labels, ids, refLabels, refIds, false, queries.cols());
  }

  /** Number of queries (anchors). */
  public int size() {
    return labels.length;
  }

  /** Number of references. */
  public int refSize() {
    return refLabels.length;
  }

  /** True when reference {@code j} may pair with query {@code i} at all (not itself, not a duplicate id). */
  public boolean pairable(int i, int j) {
    if (self && i == j) {
      return false;
    }
    return ids == null || refIds == null || ids[i] != refIds[j];
  }

  /**
   * The checks and preparation of {@link #self}, without the score matrix: for miners that stream
   * the self scores instead of holding them.
   */
  static FloatMatrix prepareSelf(FloatMatrix embeddings, long[] labels, long[] ids, MinerConfig config) {
    checkRows("labels", labels.length, embeddings.rows());
    if (ids != null) {
      checkRows("ids", ids.length, embeddings.rows());
    }
    return prepare(embeddings, config);
  }

  private static FloatMatrix prepare(FloatMatrix e, MinerConfig config) {
    checkFinite(e);
    boolean normalise = config.normalize() || config.distance() == Distance.COSINE;
    return normalise && config.distance() != Distance.COSINE ? Similarities.normalizeRows(e) : e;
  }

  private static void checkFinite(FloatMatrix e) {
    float[] d = e.data();
    for (int i = 0; i < d.length; i++) {
      if (!Float.isFinite(d[i])) {
        throw new IllegalArgumentException(
            "embedding row " + (i / Math.max(1, e.cols())) + " column " + (i % Math.max(1, e.cols())) + " is " + d[i]);
      }
    }
  }

  private static void checkRows(String what, int n, int rows) {
    if (n != rows) {
      throw new IllegalArgumentException(what + " has " + n + " entries but there are " + rows + " embeddings");
    }
  }
}
