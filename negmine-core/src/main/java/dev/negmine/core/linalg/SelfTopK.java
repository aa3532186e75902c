package dev.negmine.core.linalg;

import dev.negmine.core.internal.vector.Finish;
import dev.negmine.core.internal.vector.VectorKernels;
import java.util.Arrays;

/**
 * The exact top-k of every row of a matrix against all its rows (a self-join), computed from the
 * upper triangle of blocks only: each score of an off-diagonal block is offered both to its row
 * and, mirrored, to its column, so the job costs half the flops of {@code topK(a, a, ...)}. Each
 * tile is scored by {@link VectorKernels#boundedTile}, which compares the finished keys with the
 * current k-th best of their rows and columns in registers; only tiles that can change a heap are
 * looked at again (after the first few hundred columns, a small share).
 *
 * <p><b>Same result as {@link Similarities#topK(FloatMatrix, FloatMatrix, Distance, int,
 * PairFilter)} with {@code a} on both sides</b>, bit for bit: scores come from the same
 * micro-kernel and finish (a product and the finish are symmetric in their operands), and heaps
 * order by (key, index), which makes the kept set independent of the order of offers, hence of
 * the thread count and schedule.
 *
 * <p>Threading: tasks are row blocks pulled by the library's threads; a task scores the blocks
 * right of the diagonal in its block row and buffers the candidates, then offers them under the
 * lock of the block whose heaps they touch. Heap bounds are read without the lock; a stale bound
 * is larger, so it only lets more candidates into the buffer. Memory: the heaps (8 bytes per row
 * and slot, handed to the result), two packed copies of {@code a}, and the per-task buffers.
 */
final class SelfTopK {
  /** Packed right-block floats that stay in L2 while a left panel sweeps them (256 KiB). */
  private static final int BLOCK_FLOATS = 1 << 16;
  private static final int MAX_BLOCK = 512;

  private final VectorKernels kernels;
  private final Parallel parallel;
  private final int maxBlock;
  private final long serialFlops;

  /** The production settings: blocks of up to 512 rows, small problems on the calling thread. */
  SelfTopK(VectorKernels kernels, Parallel parallel) {
    this(kernels, parallel, MAX_BLOCK, SimilarityEngine.SERIAL_FLOPS);
  }

  /**
   * @param maxBlock largest block side (rounded down to whole tiles; tests use small blocks to get
   *     many off-diagonal blocks from few rows)
   * @param serialFlops below this many flops everything runs on the calling thread
   */
  SelfTopK(VectorKernels kernels, Parallel parallel, int maxBlock, long serialFlops) {
    this.kernels = kernels;
    this.parallel = parallel;
    this.maxBlock = maxBlock;
    this.serialFlops = serialFlops;
  }

  TopK run(FloatMatrix a, Distance d, int k, PairFilter filter) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, got " + k);
    }
    int n = a.rows();
    int dim = a.cols();
    int kk = Math.min(k, n);
    TopKCollector heaps = new TopKCollector(n, kk, d.isSimilarity(), filter);
    if (kk == 0) {
      return heaps.result();
    }
    int mr = kernels.tileRows();
    int nr = kernels.tileCols();
    int unit = mr / gcd(mr, nr) * nr;
    int bs = Math.max(unit, Math.min(maxBlock, BLOCK_FLOATS / Math.max(1, dim)) / unit * unit);
    int padded = roundUp(n, bs);
    float[] fac = factors(a, d, padded);
    float[] bound = new float[padded];
    Arrays.fill(bound, 0, n, Float.POSITIVE_INFINITY);
    Arrays.fill(bound, n, padded, Float.NaN);
    float[] left = new float[VectorKernels.packedLength(padded, dim, mr)];
    float[] right = new float[VectorKernels.packedLength(padded, dim, nr)];
    int blocks = padded / bs;
    long flops = (long) n * n * dim / 2;
    Parallel p = flops < serialFlops ? Parallel.serial() : parallel;
    p.forEach(blocks, b -> {
      int r0 = b * bs;
      int rows = Math.min(n, r0 + bs) - r0;
      if (rows > 0) {
        VectorKernels.pack(a.data(), dim, r0, rows, mr, left, r0 * dim);
        VectorKernels.pack(a.data(), dim, r0, rows, nr, right, r0 * dim);
      }
    });
    Object[] locks = new Object[blocks];
    for (int i = 0; i < blocks; i++) {
      locks[i] = new Object();
    }
    Finish finish = SimilarityEngine.finish(d);
    float sign = d.isSimilarity() ? -1f : 1f;
    p.forEach(blocks, bi -> {
      Candidates rowSide = new Candidates();
      Candidates colSide = new Candidates();
      float[] keys = new float[mr * nr];
      int r0 = bi * bs;
      for (int bj = bi; bj < blocks; bj++) {
        int c0 = bj * bs;
        boolean diagonal = bi == bj;
        for (int i0 = r0; i0 < r0 + bs && i0 < n; i0 += mr) {
          for (int j0 = c0; j0 < c0 + bs && j0 < n; j0 += nr) {
            long mask = kernels.boundedTile(left, i0 * dim, right, j0 * dim, dim, finish, sign,
                fac, i0, fac, j0, bound, diagonal ? null : bound, keys);
            if (mask != 0) {
              collect(mask, keys, i0, Math.min(mr, n - i0), j0, Math.min(nr, n - j0), nr, bound, rowSide, colSide);
            }
          }
        }
        rowSide.flush(heaps, bound, locks[bi]);
        colSide.flush(heaps, bound, locks[bj]);
      }
    });
    return heaps.result();
  }

  /**
   * Buffers the keys of one tile that may enter a heap: along the rows the mask flags, those within
   * the row's bound (heap row = tile row); along the flagged columns, those within the column's
   * bound (heap row = tile column, the mirrored pair).
   */
  private static void collect(long mask, float[] keys, int i0, int rows, int j0, int cols, int nr, float[] bound,
      Candidates rowSide, Candidates colSide) {
    for (int r = 0; r < rows; r++) {
      if ((mask & (1L << r)) != 0) {
        float rb = bound[i0 + r];
        for (int c = 0; c < cols; c++) {
          float v = keys[r * nr + c];
          if (v <= rb) {
            rowSide.add(i0 + r, j0 + c, v);
          }
        }
      }
    }
    long colBits = mask >>> 32;
    while (colBits != 0) {
      int c = Long.numberOfTrailingZeros(colBits);
      colBits &= colBits - 1;
      if (c >= cols) {
        break;
      }
      float cb = bound[j0 + c];
      for (int r = 0; r < rows; r++) {
        float v = keys[r * nr + c];
        if (v <= cb) {
          colSide.add(j0 + c, i0 + r, v);
        }
      }
    }
  }

  /** Score factors (see {@link SimilarityEngine#factors}) padded with zeros to whole blocks. */
  private float[] factors(FloatMatrix a, Distance d, int padded) {
    if (d == Distance.DOT) {
      return null;
    }
    float[] f = new SimilarityEngine(kernels, Parallel.serial()).factors(a, d, "");
    return Arrays.copyOf(f, padded);
  }

  /** A growable list of (heap row, key row, key) offers, owned by one task. */
  private static final class Candidates {
    private int[] row = new int[1024];
    private int[] col = new int[1024];
    private float[] key = new float[1024];
    private int size;

    void add(int r, int c, float v) {
      if (size == row.length) {
        row = Arrays.copyOf(row, 2 * size);
        col = Arrays.copyOf(col, 2 * size);
        key = Arrays.copyOf(key, 2 * size);
      }
      row[size] = r;
      col[size] = c;
      key[size++] = v;
    }

    /** Offers every buffered candidate under {@code lock} and publishes the new bounds. */
    void flush(TopKCollector heaps, float[] bound, Object lock) {
      if (size == 0) {
        return;
      }
      synchronized (lock) {
        for (int i = 0; i < size; i++) {
          bound[row[i]] = heaps.offer(row[i], key[i], col[i]);
        }
      }
      size = 0;
    }
  }

  private static int roundUp(int x, int unit) {
    return (x + unit - 1) / unit * unit;
  }

  private static int gcd(int x, int y) {
    return y == 0 ? x : gcd(y, x % y);
  }
}
