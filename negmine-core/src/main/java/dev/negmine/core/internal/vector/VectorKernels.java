package dev.negmine.core.internal.vector;

/**
 * The small set of float kernels the library vectorises. One implementation is chosen per JVM by
 * {@link VectorizationProvider}; all are stateless and thread-safe.
 *
 * <p>Block kernels work on <em>packed panels</em> (see {@link #pack}): a matrix's rows are grouped
 * into panels of {@code w} rows, and each panel is stored k-major ({@code w} values of dimension 0,
 * then {@code w} of dimension 1, ...), padded with zero rows to a whole panel. Left operands use
 * {@code w = tileRows()}, right operands {@code w = tileCols()}, so a micro-kernel reads both with
 * unit stride and keeps a {@code tileRows() x tileCols()} tile of sums in registers.
 */
public interface VectorKernels {
  /** {@code "panama"} or {@code "scalar"}, possibly with detail such as the lane count. */
  String name();

  /** Sum of {@code a[aOff+i] * b[bOff+i]} for {@code i < len}. */
  float dot(float[] a, int aOff, float[] b, int bOff, int len);

  /** Sum of {@code (a[aOff+i] - b[bOff+i])^2} for {@code i < len}. */
  float squaredDistance(float[] a, int aOff, float[] b, int bOff, int len);

  /** Sum of {@code a[off+i]^2} for {@code i < len}. */
  float sumOfSquares(float[] a, int off, int len);

  /** Multiplies {@code a[off..off+len)} by {@code factor} in place. */
  void scale(float[] a, int off, int len, float factor);

  /** Panel width for left operands (rows of a micro-tile). */
  int tileRows();

  /** Panel width for right operands (columns of a micro-tile). */
  int tileCols();

  /**
   * Scores rows {@code [0, rows)} of a packed left block against columns {@code [0, cols)} of a
   * packed right block and writes the finished values row-major into {@code out}: score (i, j) goes
   * to {@code out[outOff + i * ld + j]}. Cells outside {@code rows x cols} are never written.
   *
   * @param left packed with width {@link #tileRows()}; its panel 0 starts at {@code leftOff}
   * @param right packed with width {@link #tileCols()}; its panel 0 starts at {@code rightOff}
   * @param dim the vector dimension (length of each packed row)
   * @param rowFactor {@code r_i} is {@code rowFactor[rowOff + i]}; unused (may be null) for RAW
   * @param colFactor {@code c_j} is {@code colFactor[colOff + j]}; unused (may be null) for RAW
   */
  void scoreBlock(
      float[] left, int leftOff, int rows,
      float[] right, int rightOff, int cols,
      int dim, Finish finish,
      float[] rowFactor, int rowOff, float[] colFactor, int colOff,
      float[] out, int outOff, int ld);

  /**
   * Folds the scores between key rows {@code [keyRow0, keyRow1)} and anchor columns {@code [col0,
   * col1)} into the batch-hard state of {@code a} (see {@link HardestArgs#offer}), key rows in
   * increasing order for every column, without storing a score matrix. {@code col0} is a multiple
   * of {@link #tileCols()} and {@code col1} a multiple of it or the padded anchor count. Each score
   * is bit-identical to the one {@link #scoreBlock} gives the same pair with anchors as rows.
   */
  void foldHardest(HardestArgs a, int keyRow0, int keyRow1, int col0, int col1);

  /**
   * Scores one whole {@link #tileRows()} x {@link #tileCols()} tile (left panel at {@code leftOff},
   * right panel at {@code rightOff}), finishes it as {@link #scoreBlock} does (bit-identical
   * values), and writes the <em>keys</em> {@code sign * score} row-major (row length {@code
   * tileCols()}) into {@code keys}. Returns a mask: bit {@code r} when some key of row {@code r} is
   * {@code <=} the row's bound {@code rowBound[rowOff + r]}, bit {@code 32 + c} when some key of
   * column {@code c} is {@code <=} the column's bound {@code colBound[colOff + c]} (only when
   * {@code colBound} is not null). NaN keys or bounds never qualify, so padding rows and columns
   * carry NaN bounds. When it returns 0 the content of {@code keys} is unspecified. Factor and
   * bound arrays must cover the whole tile; {@code tileCols()} is at most 32. Stateless; bounds may
   * be lowered by other threads meanwhile (a stale bound only lets more keys through).
   *
   * @param sign +1 for distances, -1 for similarities (keys are then "smaller is better")
   */
  long boundedTile(
      float[] left, int leftOff, float[] right, int rightOff, int dim, Finish finish, float sign,
      float[] rowFactor, int rowOff, float[] colFactor, int colOff,
      float[] rowBound, float[] colBound, float[] keys);

  /** Length of the packed form of {@code count} rows with panel width {@code w}. */
  static int packedLength(int count, int dim, int w) {
    long n = (long) ((count + w - 1) / w) * w * dim;
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(count + " rows of dimension " + dim + " do not fit one packed array");
    }
    return (int) n;
  }

  /**
   * Packs rows {@code [row0, row0 + count)} of the row-major {@code src} (row length {@code dim})
   * into {@code dst} from {@code dstOff}, in panels of {@code w} rows, zero padding the last panel.
   * Memory-bound and identical for every backend, hence a static method.
   */
  static void pack(float[] src, int dim, int row0, int count, int w, float[] dst, int dstOff) {
    int panels = (count + w - 1) / w;
    for (int p = 0; p < panels; p++) {
      int base = dstOff + p * w * dim;
      int rowsHere = Math.min(w, count - p * w);
      for (int r = 0; r < rowsHere; r++) {
        int s = (row0 + p * w + r) * dim;
        for (int k = 0; k < dim; k++) {
          dst[base + k * w + r] = src[s + k];
        }
      }
      for (int r = rowsHere; r < w; r++) {
        for (int k = 0; k < dim; k++) {
          dst[base + k * w + r] = 0f;
        }
      }
    }
  }
}
