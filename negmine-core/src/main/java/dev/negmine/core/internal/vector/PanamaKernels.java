package dev.negmine.core.internal.vector;

import jdk.incubator.vector.FloatVector;
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
    // Right panel outermost: its NR x dim values stay in L1 while every left panel streams past.
    for (int j0 = 0; j0 < cols; j0 += NR) {
      int bp = rightOff + (j0 / NR) * NR * dim;
      int nj = Math.min(NR, cols - j0);
      int fullRows = nj == NR ? rows - rows % MR : 0;
      for (int i0 = 0; i0 < fullRows; i0 += MR) {
        tile(left, leftOff + (i0 / MR) * MR * dim, right, bp, dim, out, outOff + i0 * ld + j0, ld);
      }
      if (finish != Finish.RAW && fullRows > 0) {
        finishStrip(finish, rowFactor, rowOff, colFactor, colOff + j0, out, outOff + j0, ld, fullRows);
      }
      for (int i0 = fullRows; i0 < rows; i0 += MR) {
        if (edge == null) {
          edge = new float[MR * NR];
        }
        tile(left, leftOff + (i0 / MR) * MR * dim, right, bp, dim, edge, 0, NR);
        int ni = Math.min(MR, rows - i0);
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

  /**
   * Finishes, in place, rows {@code [0, rows)} of a strip of NR raw sums starting at {@code o}.
   * A separate pass over data still in L1, so that the micro-kernel stays small enough for C2 to
   * keep every vector in a register.
   */
  private static void finishStrip(
      Finish finish, float[] rf, int ro, float[] cf, int co, float[] out, int o, int ld, int rows) {
    FloatVector f0 = FloatVector.fromArray(S, cf, co);
    FloatVector f1 = FloatVector.fromArray(S, cf, co + L);
    if (finish == Finish.SCALED) {
      for (int r = 0; r < rows; r++, o += ld) {
        float x = rf[ro + r];
        FloatVector.fromArray(S, out, o).mul(f0.mul(x)).intoArray(out, o);
        FloatVector.fromArray(S, out, o + L).mul(f1.mul(x)).intoArray(out, o + L);
      }
      return;
    }
    FloatVector m2 = FloatVector.broadcast(S, -2f);
    boolean sqrt = finish == Finish.L2;
    for (int r = 0; r < rows; r++, o += ld) {
      float x = rf[ro + r];
      FloatVector v0 = m2.fma(FloatVector.fromArray(S, out, o), f0.add(x)).max(0f);
      FloatVector v1 = m2.fma(FloatVector.fromArray(S, out, o + L), f1.add(x)).max(0f);
      if (sqrt) {
        v0 = v0.sqrt();
        v1 = v1.sqrt();
      }
      v0.intoArray(out, o);
      v1.intoArray(out, o + L);
    }
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
}
