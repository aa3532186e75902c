package dev.negmine.core.linalg;

import dev.negmine.core.internal.vector.Finish;
import dev.negmine.core.internal.vector.HardestArgs;
import dev.negmine.core.internal.vector.VectorKernels;

/**
 * The blocked, multithreaded driver behind {@link Similarities}, parameterised by the kernels and
 * the thread budget so that tests can run every backend and both the serial and parallel paths.
 *
 * <p>Every score is {@code finish(dot(a_i, b_j), r_i, c_j)} with per-row factors computed once:
 * inverse norms for cosine, squared norms for (squared) L2. Operands are copied into packed panels
 * (see {@link VectorKernels}) one block at a time, so memory beyond the inputs and the output is
 * bounded by a few blocks per thread. Thread-safe and stateless apart from its configuration.
 */
final class SimilarityEngine {
  /** Rows per task for full matrices and streamed blocks: a packed left block stays in L2. */
  static final int MAX_TASK_ROWS = 256;
  /** Columns per streamed block: with 256 rows a block is 4 MiB. */
  static final int MAX_BLOCK_COLS = 4096;
  /** Side of the square blocks of a self matrix (rounded to whole tiles). */
  private static final int SELF_BLOCK = 192;
  /** Largest packed right operand made in one piece (64 MiB); larger ones are packed per chunk. */
  private static final long PREPACK_FLOATS = 1L << 24;
  /** Fewest rows per task when each task packs its own chunks of the right operand. */
  private static final int MIN_ROWS_PER_PACK = 96;
  private static final int TRANSPOSE_TILE = 16;
  /**
   * Below this many flops a call runs on the calling thread. Measured on the 2-core reference VM
   * (JMH sample mode, 1024 x 1024 x 128 self L2 into a buffer, ~134 Mflop after symmetry): one
   * thread had a median of 4.2-4.6 ms, two threads 5.4-9.0 ms (minimum 2.7 ms, but waking and
   * joining the second vCPU cost more than it saved most of the time). Training batches (B up to
   * ~1024 at d = 128) therefore stay on one thread and leave the other core to the engine; larger
   * problems (B = 4096, d = 768, queues, corpora) use every core.
   */
  static final long SERIAL_FLOPS = 1L << 28;

  private final VectorKernels kernels;
  private final Parallel parallel;

  SimilarityEngine(VectorKernels kernels, Parallel parallel) {
    this.kernels = kernels;
    this.parallel = parallel;
  }

  VectorKernels kernels() {
    return kernels;
  }

  @Override
  public String toString() {
    return kernels.name() + " x" + parallel.threads();
  }

  /** Writes the a.rows() x a.rows() self matrix into {@code out}; see {@link Similarities#selfMatrix}. */
  void selfMatrix(FloatMatrix a, Distance d, float[] out) {
    int n = a.rows();
    int dim = a.cols();
    if (n == 0) {
      return;
    }
    SelfPanels sp = selfPanels(a, d);
    float[] fac = sp.fac();
    Finish finish = sp.finish();
    int bs = sp.block();
    long flops = sp.flops();
    float[] left = sp.left();
    float[] right = sp.right();
    int nb = (n + bs - 1) / bs;
    int pairs = nb * (nb + 1) / 2;
    int[] blockRow = new int[pairs];
    int[] blockCol = new int[pairs];
    for (int i = 0, t = 0; i < nb; i++) {
      for (int j = i; j < nb; j++, t++) {
        blockRow[t] = i;
        blockCol[t] = j;
      }
    }
    // Downstream miners rely on an exact diagonal; dot products keep their computed value.
    boolean setDiagonal = d != Distance.DOT;
    float diagonal = d == Distance.COSINE ? 1f : 0f;
    parallelFor(flops, pairs, t -> {
      int r0 = blockRow[t] * bs;
      int c0 = blockCol[t] * bs;
      int rows = Math.min(bs, n - r0);
      int cols = Math.min(bs, n - c0);
      // bs is a whole number of panels of either width, so block offsets are panel offsets.
      if (r0 != c0) {
        kernels.scoreBlock(left, r0 * dim, rows, right, c0 * dim, cols, dim, finish,
            fac, r0, fac, c0, out, r0 * n + c0, n);
        transposeInto(out, n, r0, c0, rows, cols);
        return;
      }
      // A diagonal block: per strip of nr columns, only the rows down to the diagonal (rounded up
      // to whole tiles; the overshoot is overwritten by the mirror).
      int nr = kernels.tileCols();
      for (int j0 = 0; j0 < cols; j0 += nr) {
        int w = Math.min(nr, cols - j0);
        int h = Math.min(rows, roundUp(j0 + w, kernels.tileRows()));
        kernels.scoreBlock(left, r0 * dim, h, right, (c0 + j0) * dim, w, dim, finish,
            fac, r0, fac, c0 + j0, out, r0 * n + c0 + j0, n);
      }
      mirrorDiagonalBlock(out, n, r0, rows, setDiagonal, diagonal);
    });
  }

  /** What both self-matrix paths prepare: score factors, finish, block size and packed panels. */
  private record SelfPanels(float[] fac, Finish finish, int block, long flops, float[] left, float[] right) {}

  private SelfPanels selfPanels(FloatMatrix a, Distance d) {
    int mr = kernels.tileRows();
    int nr = kernels.tileCols();
    int unit = mr / gcd(mr, nr) * nr;
    int bs = Math.max(unit, SELF_BLOCK / unit * unit);
    long flops = (long) a.rows() * a.rows() * a.cols();
    return new SelfPanels(factors(a, d, ""), finish(d), bs, flops, packAll(a, mr, flops), packAll(a, nr, flops));
  }

  /**
   * Visits every block of the self matrix on or above the block diagonal once, on the calling
   * thread, in a reused scratch buffer: {@code (r0, r1, c0, c1)} with {@code r0 <= c0}; diagonal
   * blocks are complete (both triangles). Each score is bit-identical to {@link #selfMatrix}'s,
   * whose lower triangle mirrors the upper: products commute and the finish is symmetric.
   */
  void forEachUpperBlock(FloatMatrix a, Distance d, BlockVisitor visitor) {
    int n = a.rows();
    int dim = a.cols();
    if (n == 0) {
      return;
    }
    SelfPanels sp = selfPanels(a, d);
    int bs = sp.block();
    float[] scratch = new float[Math.min(bs, n) * Math.min(bs, n)];
    for (int r0 = 0; r0 < n; r0 += bs) {
      int rows = Math.min(bs, n - r0);
      for (int c0 = r0; c0 < n; c0 += bs) {
        int cols = Math.min(bs, n - c0);
        kernels.scoreBlock(sp.left(), r0 * dim, rows, sp.right(), c0 * dim, cols, dim, sp.finish(),
            sp.fac(), r0, sp.fac(), c0, scratch, 0, cols);
        visitor.accept(r0, r0 + rows, c0, c0 + cols, scratch);
      }
    }
  }


  /** Writes the a.rows() x b.rows() matrix into {@code out} (row-major, row length b.rows()). */
  void matrix(FloatMatrix a, FloatMatrix b, Distance d, float[] out) {
    stream(a, b, d, out, null);
  }

  /** Streams the score matrix in blocks of at most {@link #MAX_TASK_ROWS} x {@link #MAX_BLOCK_COLS}. */
  void forEachBlock(FloatMatrix a, FloatMatrix b, Distance d, BlockVisitor visitor) {
    stream(a, b, d, null, visitor);
  }

  /**
   * Splits the rows of {@code a} into tasks; each task packs its rows once, then walks the columns
   * of {@code b} in increasing chunks, packing each chunk. With {@code out} the scores go straight
   * into it; otherwise each block goes to {@code visitor} in an exactly sized, task-owned buffer
   * (the BlockVisitor contract: one thread per row range, increasing column starts).
   */
  private void stream(FloatMatrix a, FloatMatrix b, Distance d, float[] out, BlockVisitor visitor) {
    checkDims(a, b);
    int n = a.rows();
    int m = b.rows();
    int dim = a.cols();
    if (n == 0 || m == 0) {
      return;
    }
    float[] rowFac = factors(a, d, "");
    float[] colFac = a == b ? rowFac : factors(b, d, " of the second matrix");
    Finish finish = finish(d);
    int mr = kernels.tileRows();
    int nr = kernels.tileCols();
    long flops = (long) n * m * dim;
    int threads = flops < SERIAL_FLOPS ? 1 : parallel.threads();
    boolean prepack = (long) roundUp(m, nr) * dim <= PREPACK_FLOATS;
    // Enough tasks to balance (4 per thread) without dropping below one tile of rows. A task that
    // packs its own chunks of b pays ~1 ns per packed float, so it gets enough rows to amortise it.
    int minRows = prepack ? mr : roundUp(MIN_ROWS_PER_PACK, mr);
    int perTask = Math.max(minRows, Math.min(MAX_TASK_ROWS, roundUp(ceilDiv(n, 4 * threads), mr)));
    int tasks = ceilDiv(n, perTask);
    // b is packed once up front unless its packed copy would be large (a million-row corpus):
    // then each task packs the chunk it is about to score, keeping memory at a few blocks.
    float[] shared = prepack ? packAll(b, nr, flops) : null;
    int chunk = Math.min(m, out == null
        ? MAX_BLOCK_COLS
        : shared != null ? m : Math.max(nr, (1 << 20) / Math.max(1, dim) / nr * nr));
    parallelFor(flops, tasks, t -> {
      int r0 = t * perTask;
      int rows = Math.min(n, r0 + perTask) - r0;
      float[] left = new float[VectorKernels.packedLength(rows, dim, mr)];
      VectorKernels.pack(a.data(), dim, r0, rows, mr, left, 0);
      float[] right = shared != null ? shared : new float[VectorKernels.packedLength(chunk, dim, nr)];
      float[] buf = out == null ? new float[rows * chunk] : null;
      for (int c0 = 0; c0 < m; c0 += chunk) {
        int cols = Math.min(m - c0, chunk);
        // c0 is a multiple of chunk, itself a whole number of panels: c0 * dim is a panel offset.
        int rightOff = shared != null ? c0 * dim : 0;
        if (shared == null) {
          VectorKernels.pack(b.data(), dim, c0, cols, nr, right, 0);
        }
        if (out != null) {
          kernels.scoreBlock(left, 0, rows, right, rightOff, cols, dim, finish,
              rowFac, r0, colFac, c0, out, r0 * m + c0, m);
        } else {
          if (buf.length != rows * cols) {
            buf = new float[rows * cols];
          }
          kernels.scoreBlock(left, 0, rows, right, rightOff, cols, dim, finish,
              rowFac, r0, colFac, c0, buf, 0, cols);
          visitor.accept(r0, r0 + rows, c0, c0 + cols, buf);
        }
      }
    });
  }

  /**
   * Runs {@link VectorKernels#foldHardest} over all {@code keys} rows and the {@code cols} (padded)
   * anchor columns, split into groups of whole panels, one thread per group: every column sees the
   * keys in order, so the result is the serial one.
   */
  void foldHardest(HardestArgs a, int keys, int cols, long flops) {
    int nr = kernels.tileCols();
    int panels = cols / nr;
    int threads = flops < SERIAL_FLOPS ? 1 : parallel.threads();
    // Two groups per thread balance a noisy machine; each group streams the keys once.
    int groups = Math.min(panels, 2 * threads);
    int perGroup = ceilDiv(panels, groups);
    int tasks = ceilDiv(panels, perGroup);
    parallelFor(flops, tasks, t -> {
      int c0 = t * perGroup * nr;
      int c1 = Math.min(cols, c0 + perGroup * nr);
      kernels.foldHardest(a, 0, keys, c0, c1);
    });
  }

  /** Packs all rows of {@code m} with panel width {@code w}, in parallel for large inputs. */
  private float[] packAll(FloatMatrix m, int w, long flops) {
    int dim = m.cols();
    int panels = ceilDiv(m.rows(), w);
    float[] dst = new float[VectorKernels.packedLength(m.rows(), dim, w)];
    int parts = flops < SERIAL_FLOPS ? 1 : Math.min(panels, parallel.threads());
    int perPart = ceilDiv(panels, Math.max(1, parts));
    parallelFor(flops, parts, p -> {
      int row0 = p * perPart * w;
      int count = Math.min(m.rows(), row0 + perPart * w) - row0;
      if (count > 0) {
        VectorKernels.pack(m.data(), dim, row0, count, w, dst, row0 * dim);
      }
    });
    return dst;
  }

  private void parallelFor(long flops, int tasks, java.util.function.IntConsumer body) {
    (flops < SERIAL_FLOPS ? Parallel.serial() : parallel).forEach(tasks, body);
  }

  /**
   * Per-row factors for the finish: inverse norms (cosine), squared norms (L2 kinds), none (dot).
   *
   * @throws IllegalArgumentException for cosine when a row has zero norm, naming the row
   */
  float[] factors(FloatMatrix a, Distance d, String which) {
    if (d == Distance.DOT) {
      return null;
    }
    int n = a.rows();
    int dim = a.cols();
    float[] data = a.data();
    float[] sqs = new float[n];
    for (int i = 0; i < n; i++) {
      sqs[i] = kernels.sumOfSquares(data, i * dim, dim);
    }
    return factorsOfSquared(sqs, d, which);
  }

  /**
   * {@link #factors} from squared row norms computed by this engine's kernels ({@code
   * Similarities.squaredNorms} for the default engine); the array is not modified.
   */
  static float[] factorsOfSquared(float[] squared, Distance d, String which) {
    if (d == Distance.DOT) {
      return null;
    }
    int n = squared.length;
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      float sq = squared[i];
      if (d == Distance.COSINE) {
        if (sq == 0f) {
          throw new IllegalArgumentException("row " + i + which + " has zero norm; cosine is undefined");
        }
        f[i] = (float) (1.0 / Math.sqrt(sq));
      } else {
        f[i] = sq;
      }
    }
    return f;
  }

  static Finish finish(Distance d) {
    return switch (d) {
      case DOT -> Finish.RAW;
      case COSINE -> Finish.SCALED;
      case SQUARED_L2 -> Finish.SQUARED_L2;
      case L2 -> Finish.L2;
    };
  }

  /**
   * Copies the block at (r0, c0) to its mirror image at (c0, r0), in 16 x 16 tiles: a column walk
   * over a whole block would touch one page per row (rows are n floats apart) and thrash the TLB.
   */
  private static void transposeInto(float[] out, int n, int r0, int c0, int rows, int cols) {
    for (int i0 = 0; i0 < rows; i0 += TRANSPOSE_TILE) {
      int i1 = Math.min(rows, i0 + TRANSPOSE_TILE);
      for (int j0 = 0; j0 < cols; j0 += TRANSPOSE_TILE) {
        int j1 = Math.min(cols, j0 + TRANSPOSE_TILE);
        for (int j = j0; j < j1; j++) {
          int dst = (c0 + j) * n + r0;
          int src = r0 * n + c0 + j;
          for (int i = i0; i < i1; i++) {
            out[dst + i] = out[src + i * n];
          }
        }
      }
    }
  }

  /** Makes a diagonal block exactly symmetric (upper triangle wins) and sets its diagonal. */
  private static void mirrorDiagonalBlock(
      float[] out, int n, int r0, int size, boolean setDiagonal, float diagonal) {
    for (int j = 0; j < size; j++) {
      int dst = (r0 + j) * n + r0;
      int src = r0 * n + r0 + j;
      for (int i = 0; i < j; i++) {
        out[dst + i] = out[src + i * n];
      }
      if (setDiagonal) {
        out[dst + j] = diagonal;
      }
    }
  }

  static void checkDims(FloatMatrix a, FloatMatrix b) {
    if (a.cols() != b.cols()) {
      throw new IllegalArgumentException("dimension mismatch: " + a.cols() + " vs " + b.cols());
    }
  }

  private static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }

  private static int roundUp(int x, int unit) {
    return ceilDiv(x, unit) * unit;
  }

  private static int gcd(int x, int y) {
    return y == 0 ? x : gcd(y, x % y);
  }
}
