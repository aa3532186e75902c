package dev.negmine.core.linalg;

import dev.negmine.core.internal.vector.VectorKernels;
import dev.negmine.core.internal.vector.VectorizationProvider;

/**
 * Similarity and distance matrices between the rows of two matrices, and reductions over them.
 *
 * <p>Thread-safe and stateless. Scores are computed from dot products and per-row norms:
 * {@code DOT = a.b}, {@code COSINE = a.b / (|a| |b|)}, {@code SQUARED_L2 = max(0, |a|^2 + |b|^2 -
 * 2 a.b)}, {@code L2 = sqrt(SQUARED_L2)}, in float arithmetic (sums in a backend-defined order, so
 * the last bits may differ between backends). Work is blocked for the caches, vectorised through
 * the backend named by {@link #backend()}, and spread over a library-private pool with one thread
 * per processor (the calling thread works too); small problems run on the calling thread.
 *
 * <p>Cosine throws {@link IllegalArgumentException} naming the first zero-norm row.
 */
public final class Similarities {
  private static final class Default {
    static final SimilarityEngine ENGINE =
        new SimilarityEngine(VectorizationProvider.get(), Parallel.shared());
    static final SimilarityEngine SERIAL =
        new SimilarityEngine(VectorizationProvider.get(), Parallel.serial());
  }

  private Similarities() {}

  private static SimilarityEngine engine() {
    return Default.ENGINE;
  }

  static SimilarityEngine defaultEngine() {
    return Default.ENGINE;
  }

  static SimilarityEngine serialEngine() {
    return Default.SERIAL;
  }

  /** {@code scores[i][j] = d(a_i, b_j)}, an a.rows() x b.rows() matrix. */
  public static FloatMatrix matrix(FloatMatrix a, FloatMatrix b, Distance d) {
    SimilarityEngine.checkDims(a, b);
    FloatMatrix out = FloatMatrix.zeros(a.rows(), b.rows());
    engine().matrix(a, b, d, out.data());
    return out;
  }

  /**
   * Like {@link #matrix(FloatMatrix, FloatMatrix, Distance)} but writes into {@code out} (shape
   * a.rows() x b.rows(), overwritten), so a training loop can reuse one buffer per step.
   */
  public static void matrix(FloatMatrix a, FloatMatrix b, Distance d, FloatMatrix out) {
    SimilarityEngine.checkDims(a, b);
    checkOut(out, a.rows(), b.rows());
    engine().matrix(a, b, d, out.data());
  }

  /**
   * The a.rows() x a.rows() matrix of a against itself. It is exactly symmetric (one triangle of
   * blocks is computed and mirrored), and its diagonal is exactly 0 for L2 and squared L2 and
   * exactly 1 for cosine; for dot it holds the computed squared norms. Off the diagonal it equals
   * {@code matrix(a, a, d)} up to rounding.
   */
  public static FloatMatrix selfMatrix(FloatMatrix a, Distance d) {
    FloatMatrix out = FloatMatrix.zeros(a.rows(), a.rows());
    engine().selfMatrix(a, d, out.data());
    return out;
  }

  /**
   * Streams the self matrix of {@code a} as its blocks on or above the block diagonal, for
   * reductions that fold each block into both its rows and its columns (half the work of the full
   * matrix, no n x n array). Runs on the calling thread; blocks arrive with {@code rowStart <=
   * colStart}, diagonal blocks complete; the diagonal holds the computed self-score (not forced to
   * 0 or 1). Every value is bit-identical to the same entry of {@link #selfMatrix(FloatMatrix,
   * Distance)}, and to its mirror. The block array is reused after {@code accept} returns.
   */
  public static void forEachUpperBlock(FloatMatrix a, Distance d, BlockVisitor visitor) {
    engine().forEachUpperBlock(a, d, visitor);
  }

  /** Work (rows * rows * dim) up to which {@link #selfMatrix} runs on one thread. */
  public static long serialSelfWork() {
    return SimilarityEngine.SERIAL_FLOPS;
  }

  /** Like {@link #selfMatrix(FloatMatrix, Distance)} but writes into {@code out} (overwritten). */
  public static void selfMatrix(FloatMatrix a, Distance d, FloatMatrix out) {
    checkOut(out, a.rows(), a.rows());
    engine().selfMatrix(a, d, out.data());
  }

  /**
   * Streams the score matrix block by block; see {@link BlockVisitor} for the contract. Blocks are
   * at most 256 rows by 4096 columns and each array passed has exactly (rows x cols) entries, so
   * memory stays bounded (a few blocks per thread) however many columns {@code b} has. Blocks of
   * different row ranges are visited concurrently from the library's threads and the caller's, so
   * the visitor must be safe for that; this method returns after the last visit. An exception from
   * the visitor stops the remaining blocks and is rethrown here.
   */
  public static void forEachBlock(FloatMatrix a, FloatMatrix b, Distance d, BlockVisitor visitor) {
    engine().forEachBlock(a, b, d, visitor);
  }

  /**
   * For each query row, the {@code k} closest key rows under {@code d}, best first, ties to the
   * lowest key index; memory is O(queries x k) plus the streamed blocks, so keys may number in the
   * millions. {@code k} larger than keys.rows() is clamped to keys.rows().
   *
   * @throws IllegalArgumentException if {@code k < 0} or the dimensions differ
   */
  public static TopK topK(FloatMatrix queries, FloatMatrix keys, Distance d, int k) {
    return topK(engine(), queries, keys, d, k);
  }

  /**
   * As {@link #topK(FloatMatrix, FloatMatrix, Distance, int)}, keeping only pairs {@code filter}
   * accepts (it is asked only about pairs that would enter the current top k). A query with fewer
   * than k accepted keys gets -1 / NaN in its remaining slots.
   */
  public static TopK topK(FloatMatrix queries, FloatMatrix keys, Distance d, int k, PairFilter filter) {
    return topK(engine(), queries, keys, d, k, filter);
  }

  /**
   * The result of {@link #topK(FloatMatrix, FloatMatrix, Distance, int, PairFilter) topK(a, a, d,
   * k, filter)}, bit for bit (same scores, same order, same -1 / NaN slots), for about half the
   * flops: a self-join over the upper triangle of blocks with the top-k folded into the block
   * products. Uses every core of the library's pool and gives the same result for any number of
   * threads; the filter may be called from several threads at once. Memory is O(rows x k) for the
   * result plus two packed copies of {@code a}.
   *
   * @throws IllegalArgumentException if {@code k < 0}, or for cosine when a row has zero norm
   */
  public static TopK selfTopK(FloatMatrix a, Distance d, int k, PairFilter filter) {
    return new SelfTopK(engine().kernels(), Parallel.shared()).run(a, d, k, filter);
  }

  /**
   * As {@link #topK(FloatMatrix, FloatMatrix, Distance, int, PairFilter)}, bit for bit, but
   * entirely on the calling thread: for callers that run many small searches on their own threads
   * (one task per partition of an inverted-file index).
   */
  public static TopK topKOnCallingThread(FloatMatrix queries, FloatMatrix keys, Distance d, int k, PairFilter filter) {
    return topK(Default.SERIAL, queries, keys, d, k, filter);
  }

  static TopK topK(SimilarityEngine engine, FloatMatrix queries, FloatMatrix keys, Distance d, int k) {
    return topK(engine, queries, keys, d, k, null);
  }

  static TopK topK(SimilarityEngine engine, FloatMatrix queries, FloatMatrix keys, Distance d, int k, PairFilter filter) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, got " + k);
    }
    SimilarityEngine.checkDims(queries, keys);
    int kk = Math.min(k, keys.rows());
    TopKCollector c = new TopKCollector(queries.rows(), kk, d.isSimilarity(), filter);
    if (kk > 0) {
      engine.forEachBlock(queries, keys, d, c);
    }
    return c.result();
  }

  /**
   * The score of one pair of rows. L2 kinds are computed from the difference directly, so they can
   * differ in the last bits from the matrix methods, which expand the square.
   */
  public static float score(FloatMatrix a, int i, FloatMatrix b, int j, Distance d) {
    SimilarityEngine.checkDims(a, b);
    VectorKernels k = engine().kernels();
    int n = a.cols();
    return switch (d) {
      case DOT -> k.dot(a.data(), a.offset(i), b.data(), b.offset(j), n);
      case SQUARED_L2 -> k.squaredDistance(a.data(), a.offset(i), b.data(), b.offset(j), n);
      case L2 -> (float) Math.sqrt(k.squaredDistance(a.data(), a.offset(i), b.data(), b.offset(j), n));
      case COSINE -> {
        float na = k.sumOfSquares(a.data(), a.offset(i), n);
        float nb = k.sumOfSquares(b.data(), b.offset(j), n);
        if (na == 0f || nb == 0f) {
          throw new IllegalArgumentException(
              "row " + (na == 0f ? i : j) + " has zero norm; cosine is undefined");
        }
        yield (float) (k.dot(a.data(), a.offset(i), b.data(), b.offset(j), n) / Math.sqrt((double) na * nb));
      }
    };
  }

  /** A new matrix whose rows are the rows of {@code a} divided by their L2 norm. */
  public static FloatMatrix normalizeRows(FloatMatrix a) {
    FloatMatrix out = a.copy();
    normalizeRowsInPlace(out);
    return out;
  }

  /**
   * Divides every row by its L2 norm, in place.
   *
   * @throws IllegalArgumentException naming the first row whose norm is zero or not finite
   */
  public static void normalizeRowsInPlace(FloatMatrix a) {
    VectorKernels k = engine().kernels();
    float[] nr = norms(a);
    for (int i = 0; i < a.rows(); i++) {
      if (!(nr[i] > 0) || !Float.isFinite(nr[i])) {
        throw new IllegalArgumentException("row " + i + " has norm " + nr[i] + " and cannot be normalised");
      }
    }
    for (int i = 0; i < a.rows(); i++) {
      k.scale(a.data(), a.offset(i), a.cols(), 1f / nr[i]);
    }
  }

  /** L2 norm of every row. */
  public static float[] norms(FloatMatrix a) {
    VectorKernels k = engine().kernels();
    float[] out = new float[a.rows()];
    for (int i = 0; i < a.rows(); i++) {
      out[i] = (float) Math.sqrt(k.sumOfSquares(a.data(), a.offset(i), a.cols()));
    }
    return out;
  }

  /**
   * Squared Euclidean norm of every row, computed exactly as the default engine computes the
   * per-row factors of its scores; pass them to {@link HardestFold#fold(FloatMatrix, long[], long[],
   * int, float[])} for key sets that are folded many times (a memory queue).
   */
  public static float[] squaredNorms(FloatMatrix a) {
    VectorKernels k = engine().kernels();
    float[] out = new float[a.rows()];
    for (int i = 0; i < a.rows(); i++) {
      out[i] = k.sumOfSquares(a.data(), a.offset(i), a.cols());
    }
    return out;
  }

  /**
   * Name of the vector backend that runs the kernels ({@code panama} or {@code scalar}), for
   * provenance and logs. The first call makes the choice and logs it (see {@code negmine.vector}).
   */
  public static String backend() {
    return engine().kernels().name();
  }

  private static void checkOut(FloatMatrix out, int rows, int cols) {
    if (out.rows() != rows || out.cols() != cols) {
      throw new IllegalArgumentException("output is " + out.rows() + "x" + out.cols() + ", expected " + rows + "x" + cols);
    }
  }
}
