package dev.negmine.core.internal.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** One contract test run against every implementation, with a double-precision oracle. */
class VectorKernelsTest {
  private static List<VectorKernels> all() {
    List<VectorKernels> k = new ArrayList<>();
    k.add(VectorizationProvider.scalar());
    VectorizationProvider.panama().ifPresent(k::add);
    return k;
  }

  private static long seed(String test) {
    long s = Long.getLong("negmine.seed", System.nanoTime());
    System.out.println(test + " seed=" + s + " (replay with -Dnegmine.seed=" + s + ")");
    return s;
  }

  private static float[] gaussian(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  @Test
  void vectorOpsMatchOracleAtOddLengthsAndOffsets() {
    long seed = seed("vectorOps");
    for (VectorKernels k : all()) {
      SplittableRandom r = new SplittableRandom(seed);
      for (int len : new int[] {0, 1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 129, 768, 1001}) {
        int ao = r.nextInt(5);
        int bo = r.nextInt(5);
        float[] a = gaussian(r, len + ao);
        float[] b = gaussian(r, len + bo);
        double dot = 0;
        double sq = 0;
        double ss = 0;
        for (int i = 0; i < len; i++) {
          dot += (double) a[ao + i] * b[bo + i];
          double t = (double) a[ao + i] - b[bo + i];
          sq += t * t;
          ss += (double) a[ao + i] * a[ao + i];
        }
        double tol = 1e-6 * (len + 4) * (ss + 1);
        String w = k.name() + " len " + len;
        assertEquals(dot, k.dot(a, ao, b, bo, len), tol, w + " dot");
        assertEquals(sq, k.squaredDistance(a, ao, b, bo, len), tol, w + " squaredDistance");
        assertEquals(ss, k.sumOfSquares(a, ao, len), tol, w + " sumOfSquares");
        float[] c = a.clone();
        k.scale(c, ao, len, 0.5f);
        for (int i = 0; i < c.length; i++) {
          assertEquals(i < ao ? a[i] : a[i] * 0.5f, c[i], w + " scale " + i);
        }
      }
    }
  }

  @Test
  void scoreBlockMatchesOracleAndWritesOnlyItsCells() {
    long seed = seed("scoreBlock");
    int[][] shapes = {{1, 1, 1}, {6, 32, 4}, {7, 33, 5}, {13, 70, 16}, {25, 9, 129}, {12, 64, 0}};
    for (VectorKernels k : all()) {
      SplittableRandom r = new SplittableRandom(seed);
      for (int[] s : shapes) {
        int rows = s[0];
        int cols = s[1];
        int dim = s[2];
        float[] a = gaussian(r, rows * dim);
        float[] b = gaussian(r, cols * dim);
        // Pack after a leading panel of junk, to exercise the offsets.
        int mr = k.tileRows();
        int nr = k.tileCols();
        float[] left = new float[mr * dim + VectorKernels.packedLength(rows, dim, mr)];
        float[] right = new float[nr * dim + VectorKernels.packedLength(cols, dim, nr)];
        Arrays.fill(left, 1e30f);
        Arrays.fill(right, 1e30f);
        float[] pl = new float[VectorKernels.packedLength(rows, dim, mr)];
        float[] pr = new float[VectorKernels.packedLength(cols, dim, nr)];
        VectorKernels.pack(a, dim, 0, rows, mr, pl, 0);
        VectorKernels.pack(b, dim, 0, cols, nr, pr, 0);
        System.arraycopy(pl, 0, left, mr * dim, pl.length);
        System.arraycopy(pr, 0, right, nr * dim, pr.length);
        float[] rf = new float[rows + 2];
        float[] cf = new float[cols + 3];
        for (int i = 0; i < rf.length; i++) {
          rf[i] = (float) r.nextDouble(0.5, 2);
        }
        for (int j = 0; j < cf.length; j++) {
          cf[j] = (float) r.nextDouble(0.5, 2);
        }
        for (Finish f : Finish.values()) {
          int ld = cols + 5;
          int off = 3;
          float[] out = new float[off + rows * ld + 7];
          Arrays.fill(out, Float.NaN);
          k.scoreBlock(left, mr * dim, rows, right, nr * dim, cols, dim, f, rf, 2, cf, 3, out, off, ld);
          for (int p = 0; p < out.length; p++) {
            int q = p - off;
            boolean inside = q >= 0 && q / ld < rows && q % ld < cols;
            if (!inside) {
              assertTrue(Float.isNaN(out[p]), k.name() + " wrote outside the block at " + p);
              continue;
            }
            int i = q / ld;
            int j = q % ld;
            double dot = 0;
            double norm = 0;
            for (int t = 0; t < dim; t++) {
              dot += (double) a[i * dim + t] * b[j * dim + t];
              norm += Math.abs((double) a[i * dim + t] * b[j * dim + t]);
            }
            double rr = rf[2 + i];
            double cc = cf[3 + j];
            double want = switch (f) {
              case RAW -> dot;
              case SCALED -> dot * rr * cc;
              case SQUARED_L2 -> Math.max(0, rr + cc - 2 * dot);
              case L2 -> Math.sqrt(Math.max(0, rr + cc - 2 * dot));
            };
            double tol = 1e-6 * (dim + 4) * (norm + rr + cc);
            if (f == Finish.L2) {
              assertEquals(want * want, (double) out[p] * out[p], tol, k.name() + " " + f + " " + i + "," + j);
            } else {
              assertEquals(want, out[p], tol, k.name() + " " + f + " " + i + "," + j);
            }
          }
        }
      }
    }
  }

  @Test
  void providerHonoursOverridesAndNamesTheBackend() {
    assertEquals("scalar", VectorizationProvider.choose("scalar").name());
    assertEquals("scalar", VectorizationProvider.choose(" SCALAR ").name());
    String auto = VectorizationProvider.choose(null).name();
    assertEquals(VectorizationProvider.panama().isPresent() ? "panama" : "scalar", auto);
    assertEquals(auto, VectorizationProvider.choose("nonsense").name());
    assertEquals(auto, VectorizationProvider.choose("panama").name());
  }

  @Test
  void finishIsExactWhereItMustBe() {
    assertEquals(0f, Finish.SQUARED_L2.apply(1f, 1f, 1f));
    assertEquals(0f, Finish.L2.apply(1.0000001f, 1f, 1f), "clamped at zero, never NaN");
    assertEquals(5f, Finish.L2.apply(0f, 9f, 16f));
    assertEquals(6f, Finish.SCALED.apply(3f, 1f, 2f));
  }
}
