package dev.negmine.core.internal.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API with the preferred species. The only class of the library that
 * imports {@code jdk.incubator.vector}; {@link VectorizationProvider} loads it reflectively so that
 * the library still links when the incubator module is absent.
 *
 * <p>The block kernel is an outer-product micro-kernel: a {@value #MR} x {@code 2L} tile of sums
 * ({@code L} lanes) lives in 12 vector registers; per dimension it loads two vectors of the right
 * panel, broadcasts {@value #MR} values of the left panel and issues 12 FMAs. 12 accumulators plus
 * 3 operands fit the 16 registers of AVX2 and hide the FMA latency on two FMA ports.
 */
final class PanamaKernels implements VectorKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int MR = 6;
  private static final int NR = 2 * L;
  /** Packed right-operand floats per column chunk: 512 KiB, a quarter of this machine's L2. */
  private static final int L2_FLOATS = 1 << 17;
  private static final VectorSpecies<Integer> IS = S.withLanes(int.class);
  /** Key rows per tile of the fold: 8 x 2L sums in 16 registers, read straight from row-major keys. */
  private static final int KR = 8;

  /** Lanes of the preferred species; the provider refuses Panama below 4. */
  static int lanes() {
    return L;
  }

  @Override
  public String name() {
    return "panama";
  }

  @Override
  public String toString() {
    return "panama (" + S.vectorBitSize() + "-bit, " + L + " float lanes, tile " + MR + "x" + NR + ")";
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int len) {
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = FloatVector.zero(S);
    int i = 0;
    for (int bound = len - 2 * L; i <= bound; i += 2 * L) {
      s0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), s0);
      s1 = FloatVector.fromArray(S, a, aOff + i + L).fma(FloatVector.fromArray(S, b, bOff + i + L), s1);
    }
    for (int bound = len - L; i <= bound; i += L) {
      s0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), s0);
    }
    float s = sumLanes(s0.add(s1));
    for (; i < len; i++) {
      s = Math.fma(a[aOff + i], b[bOff + i], s);
    }
    return s;
  }

  @Override
  public float squaredDistance(float[] a, int aOff, float[] b, int bOff, int len) {
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = FloatVector.zero(S);
    int i = 0;
    for (int bound = len - 2 * L; i <= bound; i += 2 * L) {
      FloatVector t0 = FloatVector.fromArray(S, a, aOff + i).sub(FloatVector.fromArray(S, b, bOff + i));
      FloatVector t1 = FloatVector.fromArray(S, a, aOff + i + L).sub(FloatVector.fromArray(S, b, bOff + i + L));
      s0 = t0.fma(t0, s0);
      s1 = t1.fma(t1, s1);
    }
    for (int bound = len - L; i <= bound; i += L) {
      FloatVector t0 = FloatVector.fromArray(S, a, aOff + i).sub(FloatVector.fromArray(S, b, bOff + i));
      s0 = t0.fma(t0, s0);
    }
    float s = sumLanes(s0.add(s1));
    for (; i < len; i++) {
      float t = a[aOff + i] - b[bOff + i];
      s = Math.fma(t, t, s);
    }
    return s;
  }

  @Override
  public float sumOfSquares(float[] a, int off, int len) {
    FloatVector s0 = FloatVector.zero(S);
    int i = 0;
    for (int bound = len - L; i <= bound; i += L) {
      FloatVector v = FloatVector.fromArray(S, a, off + i);
      s0 = v.fma(v, s0);
    }
    float s = sumLanes(s0);
    for (; i < len; i++) {
      s = Math.fma(a[off + i], a[off + i], s);
    }
    return s;
  }

  /**
   * Adds the lanes in lane order. {@code reduceLanes(ADD)} may associate differently once C2
   * compiles it, which would make norms, and so every score, depend on JIT warm-up.
   */
  private static float sumLanes(FloatVector v) {
    float[] t = new float[L];
    v.intoArray(t, 0);
    float s = 0f;
    for (float x : t) {
      s += x;
    }
    return s;
  }

  @Override
  public void scale(float[] a, int off, int len, float factor) {
    int i = 0;
    for (int bound = len - L; i <= bound; i += L) {
      FloatVector.fromArray(S, a, off + i).mul(factor).intoArray(a, off + i);
    }
    for (; i < len; i++) {
      a[off + i] *= factor;
    }
  }

  @Override
  public int tileRows() {
    return MR;
  }

  @Override
  public int tileCols() {
    return NR;
  }

  @Override
  public void scoreBlock(
      float[] left, int leftOff, int rows,
      float[] right, int rightOff, int cols,
      int dim, Finish finish,
      float[] rowFactor, int rowOff, float[] colFactor, int colOff,
      float[] out, int outOff, int ld) {
    float[] edge = null;
    // Columns in chunks whose packed panels stay in L2; within a chunk one left panel (MR rows, in
    // L1) meets every right panel, so the tile rows are stored left to right, along the output
    // rows. (The other order, one right panel against a column of tiles, stores with stride ld,
    // which for power-of-two widths maps every row to the same L1 set.)
    int chunk = Math.max(NR, L2_FLOATS / Math.max(1, dim) / NR * NR);
    for (int jc = 0; jc < cols; jc += chunk) {
      int jcEnd = Math.min(cols, jc + chunk);
      int fullEnd = jc + (jcEnd - jc) / NR * NR;
      for (int i0 = 0; i0 < rows; i0 += MR) {
        int ap = leftOff + (i0 / MR) * MR * dim;
        int ni = Math.min(MR, rows - i0);
        if (ni == MR) {
          for (int j0 = jc; j0 < fullEnd; j0 += NR) {
            tile(left, ap, right, rightOff + (j0 / NR) * NR * dim, dim, out, outOff + i0 * ld + j0, ld);
          }
          if (finish != Finish.RAW) {
            finishRows(finish, rowFactor, rowOff + i0, colFactor, colOff + jc, out, outOff + i0 * ld + jc, ld,
                fullEnd - jc);
          }
        }
        // Partial tiles (last rows, last columns) go through a scratch tile and the scalar finish.
        for (int j0 = ni == MR ? fullEnd : jc; j0 < jcEnd; j0 += NR) {
          if (edge == null) {
            edge = new float[MR * NR];
          }
          tile(left, ap, right, rightOff + (j0 / NR) * NR * dim, dim, edge, 0, NR);
          int nj = Math.min(NR, jcEnd - j0);
          for (int r = 0; r < ni; r++) {
            float rf = finish == Finish.RAW ? 0f : rowFactor[rowOff + i0 + r];
            int o = outOff + (i0 + r) * ld + j0;
            for (int c = 0; c < nj; c++) {
              float cf = finish == Finish.RAW ? 0f : colFactor[colOff + j0 + c];
              out[o + c] = finish.apply(edge[r * NR + c], rf, cf);
            }
          }
        }
      }
    }
  }

  /**
   * Finishes, in place, MR rows of {@code width} raw sums (a multiple of NR) starting at {@code
   * o}. A separate pass over data still in L1, so that the micro-kernel stays small enough for C2
   * to keep every vector in a register.
   */
  private static void finishRows(
      Finish finish, float[] rf, int ro, float[] cf, int co, float[] out, int o, int ld, int width) {
    for (int r = 0; r < MR; r++, o += ld) {
      float x = rf[ro + r];
      if (finish == Finish.SCALED) {
        for (int j = 0; j < width; j += L) {
          FloatVector.fromArray(S, out, o + j).mul(FloatVector.fromArray(S, cf, co + j).mul(x)).intoArray(out, o + j);
        }
      } else {
        FloatVector m2 = FloatVector.broadcast(S, -2f);
        boolean sqrt = finish == Finish.L2;
        for (int j = 0; j < width; j += L) {
          FloatVector v = m2.fma(FloatVector.fromArray(S, out, o + j), FloatVector.fromArray(S, cf, co + j).add(x)).max(0f);
          if (sqrt) {
            v = v.sqrt();
          }
          v.intoArray(out, o + j);
        }
      }
    }
  }

  /**
   * The micro-kernel's raw sums go to {@code keys} (L1), then one pass finishes them with the
   * expressions of {@link #finishRows} and compares against the bounds, so the register-tight
   * tile loop is the one {@link #scoreBlock} runs.
   */
  @Override
  public long boundedTile(
      float[] left, int leftOff, float[] right, int rightOff, int dim, Finish finish, float sign,
      float[] rowFactor, int rowOff, float[] colFactor, int colOff,
      float[] rowBound, float[] colBound, float[] keys) {
    tile(left, leftOff, right, rightOff, dim, keys, 0, NR);
    // Never a null vector: C2 (JDK 25) crashes on phis of vector boxes and null. An absent column
    // bound is NaN, which no key meets.
    boolean raw = finish == Finish.RAW;
    FloatVector cf0 = raw ? FloatVector.zero(S) : FloatVector.fromArray(S, colFactor, colOff);
    FloatVector cf1 = raw ? FloatVector.zero(S) : FloatVector.fromArray(S, colFactor, colOff + L);
    FloatVector cb0 = colBound != null ? FloatVector.fromArray(S, colBound, colOff) : FloatVector.broadcast(S, Float.NaN);
    FloatVector cb1 = colBound != null ? FloatVector.fromArray(S, colBound, colOff + L) : FloatVector.broadcast(S, Float.NaN);
    VectorMask<Float> cols0 = S.maskAll(false);
    VectorMask<Float> cols1 = S.maskAll(false);
    long rowBits = 0;
    for (int r = 0, o = 0; r < MR; r++, o += NR) {
      float rf = raw ? 0f : rowFactor[rowOff + r];
      FloatVector v0 = finishKey(FloatVector.fromArray(S, keys, o), finish, cf0, rf, sign);
      FloatVector v1 = finishKey(FloatVector.fromArray(S, keys, o + L), finish, cf1, rf, sign);
      v0.intoArray(keys, o);
      v1.intoArray(keys, o + L);
      FloatVector rb = FloatVector.broadcast(S, rowBound[rowOff + r]);
      if (v0.compare(VectorOperators.LE, rb).or(v1.compare(VectorOperators.LE, rb)).anyTrue()) {
        rowBits |= 1L << r;
      }
      cols0 = cols0.or(v0.compare(VectorOperators.LE, cb0));
      cols1 = cols1.or(v1.compare(VectorOperators.LE, cb1));
    }
    return rowBits | (cols0.toLong() << 32) | (cols1.toLong() << (32 + L));
  }

  /** {@code sign * finish(s)}, the finish written as {@link #finishRows} writes it. */
  private static FloatVector finishKey(FloatVector s, Finish finish, FloatVector cf, float rf, float sign) {
    FloatVector v = switch (finish) {
      case RAW -> s;
      case SCALED -> s.mul(cf.mul(rf));
      case SQUARED_L2 -> FloatVector.broadcast(S, -2f).fma(s, cf.add(rf)).max(0f);
      case L2 -> FloatVector.broadcast(S, -2f).fma(s, cf.add(rf)).max(0f).sqrt();
    };
    return sign < 0 ? v.neg() : v;
  }

  /** One MR x NR tile of raw sums over {@code dim}, stored row-major at {@code out[o]}. */
  private static void tile(float[] a, int ap, float[] b, int bp, int dim, float[] out, int o, int ld) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c50 = c00;
    FloatVector c51 = c00;
    for (int k = 0, pa = ap, pb = bp; k < dim; k++, pa += MR, pb += NR) {
      FloatVector b0 = FloatVector.fromArray(S, b, pb);
      FloatVector b1 = FloatVector.fromArray(S, b, pb + L);
      FloatVector x = FloatVector.broadcast(S, a[pa]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[pa + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[pa + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[pa + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, a[pa + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, a[pa + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    c00.intoArray(out, o);
    c01.intoArray(out, o + L);
    c10.intoArray(out, o + ld);
    c11.intoArray(out, o + ld + L);
    c20.intoArray(out, o + 2 * ld);
    c21.intoArray(out, o + 2 * ld + L);
    c30.intoArray(out, o + 3 * ld);
    c31.intoArray(out, o + 3 * ld + L);
    c40.intoArray(out, o + 4 * ld);
    c41.intoArray(out, o + 4 * ld + L);
    c50.intoArray(out, o + 5 * ld);
    c51.intoArray(out, o + 5 * ld + L);
  }

  /**
   * Key tiles of {@value #KR} rows (broadcast from the row-major keys, so the key matrix is never
   * packed or copied) against anchor panels of NR columns: the key rows stay in L1 while the
   * anchor panels, packed once, stream from L2. Each tile's raw sums go to a scratch tile and are
   * finished and folded lane-wise, one key row at a time in increasing order.
   */
  @Override
  public void foldHardest(HardestArgs a, int keyRow0, int keyRow1, int col0, int col1) {
    float[] scratch = new float[KR * NR];
    int dim = a.dim;
    int last = keyRow1 - 1;
    for (int i0 = keyRow0; i0 < keyRow1; i0 += KR) {
      int ni = Math.min(KR, keyRow1 - i0);
      // A partial tile repeats its last row; the repeats are computed and ignored.
      int o0 = i0 * dim;
      int o1 = Math.min(i0 + 1, last) * dim;
      int o2 = Math.min(i0 + 2, last) * dim;
      int o3 = Math.min(i0 + 3, last) * dim;
      int o4 = Math.min(i0 + 4, last) * dim;
      int o5 = Math.min(i0 + 5, last) * dim;
      int o6 = Math.min(i0 + 6, last) * dim;
      int o7 = Math.min(i0 + 7, last) * dim;
      for (int j0 = col0; j0 < col1; j0 += NR) {
        keyTile(a.keys, o0, o1, o2, o3, o4, o5, o6, o7, a.anchors, (j0 / NR) * NR * dim, dim, scratch);
        foldTile(a, scratch, i0, ni, j0);
        foldTile(a, scratch, i0, ni, j0 + L);
      }
    }
  }

  /**
   * Folds the rows of one L-lane half of a scratch tile (columns j..j+L) into the state. Most key
   * rows share neither label nor id with an anchor of these lanes and beat no anchor's nearest
   * negative, so a first pass scores all rows of the tile without a branch (L2 compares squared
   * distances, before any root) and returns when no lane can change; otherwise the rows are folded
   * in order, the exact rules running only for rows whose lanes may change.
   */
  private static void foldTile(HardestArgs a, float[] scratch, int i0, int ni, int j) {
    int h = j % NR == 0 ? 0 : L;
    boolean l2 = a.finish == Finish.L2;
    FloatVector cf = a.finish == Finish.RAW ? null : FloatVector.fromArray(S, a.anchorFactor, j);
    float[] nearArr = l2 ? a.nearSquared : a.near;
    FloatVector near = FloatVector.fromArray(S, nearArr, j);
    IntVector cc = IntVector.fromArray(IS, a.anchorClass, j);
    IntVector ci = IntVector.fromArray(IS, a.anchorId, j);
    VectorMask<Float> change = IntVector.fromArray(IS, a.nearIndex, j).lt(0).cast(S);
    VectorMask<Integer> shared = IS.maskAll(false);
    for (int r = 0; r < ni; r++) {
      int row = i0 + r;
      change = change.or(score(a, scratch, r * NR + h, cf, row).lt(near));
      shared = shared.or(cc.eq(a.keyClass[row])).or(ci.eq(a.keyId[row]));
    }
    if (!change.anyTrue() && !shared.anyTrue()) {
      return;
    }
    VectorMask<Float> none = IntVector.fromArray(IS, a.nearIndex, j).lt(0).cast(S);
    for (int r = 0; r < ni; r++) {
      int row = i0 + r;
      FloatVector x = score(a, scratch, r * NR + h, cf, row);
      VectorMask<Float> maybe = x.lt(near).or(none);
      if (!maybe.anyTrue() && !cc.eq(a.keyClass[row]).or(ci.eq(a.keyId[row])).anyTrue()) {
        continue;
      }
      // Write the running state back so that the exact scalar-order rules below see it.
      near.intoArray(nearArr, j);
      exactRow(a, x, row, j, l2);
      near = FloatVector.fromArray(S, nearArr, j);
      none = IntVector.fromArray(IS, a.nearIndex, j).lt(0).cast(S);
    }
    near.intoArray(nearArr, j);
    if (l2) {
      FloatVector.fromArray(S, a.nearSquared, j).sqrt().intoArray(a.near, j);
    }
  }

  /** The raw sum at {@code scratch[o]} finished in distance orientation (squared for L2). */
  private static FloatVector score(HardestArgs a, float[] scratch, int o, FloatVector cf, int row) {
    FloatVector s = FloatVector.fromArray(S, scratch, o);
    FloatVector x = switch (a.finish) {
      case RAW -> s;
      case SCALED -> s.mul(cf.mul(a.keyFactor[row]));
      case SQUARED_L2, L2 -> FloatVector.broadcast(S, -2f).fma(s, cf.add(a.keyFactor[row])).max(0f);
    };
    return a.sign < 0 ? x.neg() : x;
  }

  /** The exact fold of one key row into lanes j..j+L; {@code x} is pre-root for L2. */
  private static void exactRow(HardestArgs a, FloatVector x, int row, int j, boolean l2) {
    IntVector cc = IntVector.fromArray(IS, a.anchorClass, j);
    IntVector ci = IntVector.fromArray(IS, a.anchorId, j);
    VectorMask<Integer> sameClass = cc.eq(a.keyClass[row]);
    VectorMask<Integer> sameId = ci.eq(a.keyId[row]);
    VectorMask<Integer> other = sameClass.or(sameId).not();
    FloatVector v = l2 ? x.sqrt() : x;
    IntVector nearIdx = IntVector.fromArray(IS, a.nearIndex, j);
    FloatVector near = FloatVector.fromArray(S, l2 ? a.nearSquared : a.near, j);
    FloatVector nearV = l2 ? near.sqrt() : near;
    // Compared after the root, as the reference does: distinct squares can share a root (a tie).
    VectorMask<Integer> take = v.lt(nearV).cast(IS).or(nearIdx.lt(0)).and(other);
    if (take.anyTrue()) {
      near.blend(x, take.cast(S)).intoArray(l2 ? a.nearSquared : a.near, j);
      nearIdx.blend(a.indexOffset + row, take).intoArray(a.nearIndex, j);
    }
    VectorMask<Integer> pos = sameClass.andNot(sameId);
    if (pos.anyTrue()) {
      FloatVector far = FloatVector.fromArray(S, a.far, j);
      IntVector farIdx = IntVector.fromArray(IS, a.farIndex, j);
      VectorMask<Integer> takeP = far.lt(v).cast(IS).or(farIdx.lt(0)).and(pos);
      far.blend(v, takeP.cast(S)).intoArray(a.far, j);
      farIdx.blend(a.indexOffset + row, takeP).intoArray(a.farIndex, j);
    }
  }

  /** KR x NR raw sums of eight row-major key rows (offsets o0..o7) against one packed panel. */
  private static void keyTile(float[] a, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7,
      float[] b, int bp, int dim, float[] out) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c50 = c00;
    FloatVector c51 = c00;
    FloatVector c60 = c00;
    FloatVector c61 = c00;
    FloatVector c70 = c00;
    FloatVector c71 = c00;
    for (int k = 0, pb = bp; k < dim; k++, pb += NR) {
      FloatVector b0 = FloatVector.fromArray(S, b, pb);
      FloatVector b1 = FloatVector.fromArray(S, b, pb + L);
      FloatVector x = FloatVector.broadcast(S, a[o0 + k]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[o1 + k]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[o2 + k]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[o3 + k]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, a[o4 + k]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, a[o5 + k]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
      x = FloatVector.broadcast(S, a[o6 + k]);
      c60 = x.fma(b0, c60);
      c61 = x.fma(b1, c61);
      x = FloatVector.broadcast(S, a[o7 + k]);
      c70 = x.fma(b0, c70);
      c71 = x.fma(b1, c71);
    }
    c00.intoArray(out, 0);
    c01.intoArray(out, L);
    c10.intoArray(out, NR);
    c11.intoArray(out, NR + L);
    c20.intoArray(out, 2 * NR);
    c21.intoArray(out, 2 * NR + L);
    c30.intoArray(out, 3 * NR);
    c31.intoArray(out, 3 * NR + L);
    c40.intoArray(out, 4 * NR);
    c41.intoArray(out, 4 * NR + L);
    c50.intoArray(out, 5 * NR);
    c51.intoArray(out, 5 * NR + L);
    c60.intoArray(out, 6 * NR);
    c61.intoArray(out, 6 * NR + L);
    c70.intoArray(out, 7 * NR);
    c71.intoArray(out, 7 * NR + L);
  }
}
