package dev.negmine.core.linalg;

/**
 * Similarity and distance matrices between the rows of two matrices.
 *
 * <p>Thread-safe and stateless. Placeholder reference implementation (scalar, single-threaded);
 * the blocked, vectorised, multithreaded version replaces the bodies without changing signatures.
 */
public final class Similarities {
  private Similarities() {}

  /** {@code scores[i][j] = d(a_i, b_j)}, an a.rows() x b.rows() matrix. */
  public static FloatMatrix matrix(FloatMatrix a, FloatMatrix b, Distance d) {
    checkDims(a, b);
    FloatMatrix out = FloatMatrix.zeros(a.rows(), b.rows());
    forEachBlock(a, b, d, (r0, r1, c0, c1, block) -> {
      int w = c1 - c0;
      for (int i = r0; i < r1; i++) {
        System.arraycopy(block, (i - r0) * w, out.data(), i * b.rows() + c0, w);
      }
    });
    return out;
  }

  /** The a.rows() x a.rows() matrix of a against itself. */
  public static FloatMatrix selfMatrix(FloatMatrix a, Distance d) {
    return matrix(a, a, d);
  }

  /** Streams the score matrix block by block; see {@link BlockVisitor} for the contract. */
  public static void forEachBlock(FloatMatrix a, FloatMatrix b, Distance d, BlockVisitor visitor) {
    checkDims(a, b);
    int n = a.cols();
    float[] an = norms(a);
    float[] bn = norms(b);
    int cols = b.rows();
    int blockRows = 64;
    for (int r0 = 0; r0 < a.rows(); r0 += blockRows) {
      int r1 = Math.min(a.rows(), r0 + blockRows);
      float[] block = new float[(r1 - r0) * cols];
      for (int i = r0; i < r1; i++) {
        for (int j = 0; j < cols; j++) {
          double dot = 0;
          for (int k = 0; k < n; k++) {
            dot += a.data()[i * n + k] * b.data()[j * n + k];
          }
          block[(i - r0) * cols + j] = finish(d, (float) dot, an[i], bn[j]);
        }
      }
      visitor.accept(r0, r1, 0, cols, block);
    }
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
    float[] nr = norms(a);
    for (int i = 0; i < a.rows(); i++) {
      if (!(nr[i] > 0) || !Float.isFinite(nr[i])) {
        throw new IllegalArgumentException("row " + i + " has norm " + nr[i] + " and cannot be normalised");
      }
      float inv = 1f / nr[i];
      for (int k = 0; k < a.cols(); k++) {
        a.data()[i * a.cols() + k] *= inv;
      }
    }
  }

  /** L2 norm of every row. */
  public static float[] norms(FloatMatrix a) {
    float[] out = new float[a.rows()];
    for (int i = 0; i < a.rows(); i++) {
      double s = 0;
      for (int k = 0; k < a.cols(); k++) {
        float v = a.data()[i * a.cols() + k];
        s += v * v;
      }
      out[i] = (float) Math.sqrt(s);
    }
    return out;
  }

  /** Name of the vector backend that runs the kernels, for provenance and logs. */
  public static String backend() {
    return "scalar";
  }

  private static float finish(Distance d, float dot, float na, float nb) {
    return switch (d) {
      case DOT -> dot;
      case COSINE -> dot / (na * nb);
      case SQUARED_L2 -> Math.max(0f, na * na + nb * nb - 2f * dot);
      case L2 -> (float) Math.sqrt(Math.max(0f, na * na + nb * nb - 2f * dot));
    };
  }

  private static void checkDims(FloatMatrix a, FloatMatrix b) {
    if (a.cols() != b.cols()) {
      throw new IllegalArgumentException("dimension mismatch: " + a.cols() + " vs " + b.cols());
    }
  }
}
