package dev.negmine.core.linalg;

import java.util.Arrays;

/**
 * A dense row-major matrix of {@code float}. Rows are items (embeddings), columns are dimensions.
 *
 * <p>The backing array is shared, not copied: {@link #of} wraps the caller's array and
 * {@link #data()} exposes it, so that kernels and file readers move no bytes they need not.
 * Ownership passes with the reference; a matrix is not thread-safe for concurrent writes but may be
 * read from many threads once no thread writes it.
 */
public final class FloatMatrix {
  private final int rows;
  private final int cols;
  private final float[] data;

  private FloatMatrix(int rows, int cols, float[] data) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("negative shape " + rows + "x" + cols);
    }
    if ((long) rows * cols != data.length) {
      throw new IllegalArgumentException(
          "shape " + rows + "x" + cols + " needs " + ((long) rows * cols) + " values, got " + data.length);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data;
  }

  /** Wraps {@code data} (row-major, length rows*cols) without copying. */
  public static FloatMatrix of(int rows, int cols, float[] data) {
    return new FloatMatrix(rows, cols, data);
  }

  /** A zero matrix; throws if rows*cols exceeds the largest Java array. */
  public static FloatMatrix zeros(int rows, int cols) {
    long n = (long) rows * cols;
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("matrix " + rows + "x" + cols + " exceeds one Java array");
    }
    return new FloatMatrix(rows, cols, new float[(int) n]);
  }

  /** Copies a jagged array; every row must have the same length. */
  public static FloatMatrix fromRows(float[][] rows) {
    int c = rows.length == 0 ? 0 : rows[0].length;
    FloatMatrix m = zeros(rows.length, c);
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != c) {
        throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, expected " + c);
      }
      System.arraycopy(rows[i], 0, m.data, i * c, c);
    }
    return m;
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** The backing row-major array (not a copy). */
  public float[] data() {
    return data;
  }

  /** Offset of row {@code i} in {@link #data()}. */
  public int offset(int i) {
    return i * cols;
  }

  public float get(int i, int j) {
    return data[i * cols + j];
  }

  public void set(int i, int j, float v) {
    data[i * cols + j] = v;
  }

  /** A copy of row {@code i}. */
  public float[] row(int i) {
    return Arrays.copyOfRange(data, i * cols, (i + 1) * cols);
  }

  public FloatMatrix copy() {
    return new FloatMatrix(rows, cols, data.clone());
  }

  /** A copy of rows {@code [from, to)}. */
  public FloatMatrix rowRange(int from, int to) {
    if (from < 0 || to > rows || from > to) {
      throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of " + rows);
    }
    return new FloatMatrix(to - from, cols, Arrays.copyOfRange(data, from * cols, to * cols));
  }

  /** A new matrix holding the given rows, in the given order. */
  public FloatMatrix gather(int[] rowIndices) {
    FloatMatrix m = zeros(rowIndices.length, cols);
    for (int k = 0; k < rowIndices.length; k++) {
      System.arraycopy(data, rowIndices[k] * cols, m.data, k * cols, cols);
    }
    return m;
  }

  /** A new matrix holding the transpose. */
  public FloatMatrix transpose() {
    FloatMatrix t = zeros(cols, rows);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t.data[j * rows + i] = data[i * cols + j];
      }
    }
    return t;
  }

  @Override
  public String toString() {
    return "FloatMatrix[" + rows + "x" + cols + "]";
  }
}
