package dev.negmine.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** forEachUpperBlock covers the upper triangle once, bit-identical to selfMatrix and its mirror. */
class UpperBlockTest {
  @Test
  void upperBlocksCoverTheTriangleOnceWithTheSelfMatrixValues() {
    long seed = Long.getLong("negmine.seed", System.nanoTime());
    System.out.println("UpperBlockTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    for (int n : new int[] {1, 5, 191, 192, 193, 500}) {
      for (Distance d : Distance.values()) {
        int dim = 1 + r.nextInt(70);
        float[] x = new float[n * dim];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) r.nextGaussian();
        }
        FloatMatrix a = FloatMatrix.of(n, dim, x);
        FloatMatrix full = Similarities.selfMatrix(a, d);
        int[] seen = new int[n * n];
        int[] lastRowStart = {-1};
        Similarities.forEachUpperBlock(a, d, (r0, r1, c0, c1, block) -> {
          assertTrue(r0 <= c0, "block below the diagonal: " + r0 + ", " + c0);
          assertTrue(r0 >= lastRowStart[0], "row blocks out of order");
          lastRowStart[0] = r0;
          int w = c1 - c0;
          for (int i = r0; i < r1; i++) {
            for (int j = c0; j < c1; j++) {
              seen[i * n + j]++;
              if (i != j) {
                String where = "n=" + n + " " + d + " (" + i + "," + j + ") seed=" + seed;
                assertEquals(Float.floatToIntBits(full.get(i, j)),
                    Float.floatToIntBits(block[(i - r0) * w + (j - c0)]), where);
                assertEquals(full.get(i, j), full.get(j, i), where);
              }
            }
          }
        });
        for (int i = 0; i < n; i++) {
          for (int j = i; j < n; j++) {
            assertEquals(1, seen[i * n + j], "cell (" + i + "," + j + ") visits, n=" + n);
          }
        }
      }
    }
  }
}
