package dev.negmine.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every engine (backend x threading) and every distance against the double-precision oracle. */
class SimilaritiesTest {
  /** rows of a, rows of b, dimension: odd sizes that leave partial tiles, panels and blocks. */
  private static final int[][] SHAPES = {
      {1, 1, 1}, {1, 1, 5}, {7, 13, 3}, {6, 32, 16}, {13, 7, 40}, {50, 97, 1}, {257, 1031, 129},
      {200, 61, 768}, {3, 5000, 7},
  };

  @Test
  void matrixMatchesOracleForEveryEngineKindAndShape() {
    long seed = Reference.seed("matrixMatchesOracle");
    for (SimilarityEngine e : Reference.engines()) {
      SplittableRandom r = new SplittableRandom(seed);
      for (int[] s : SHAPES) {
        FloatMatrix a = Reference.random(r, s[0], s[2]);
        FloatMatrix b = Reference.random(r, s[1], s[2]);
        // An exact duplicate makes an L2 of zero off the diagonal: the clamp must hold.
        System.arraycopy(a.data(), 0, b.data(), (s[1] - 1) * s[2], s[2]);
        for (Distance d : Distance.values()) {
          float[] out = new float[s[0] * s[1]];
          e.matrix(a, b, d, out);
          String where = e + " " + s[0] + "x" + s[1] + "x" + s[2];
          for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
              Reference.check(where, out[i * s[1] + j], a, i, b, j, d);
            }
          }
        }
      }
    }
  }

  @Test
  void selfMatrixIsSymmetricWithExactDiagonalAndEqualsMatrix() {
    long seed = Reference.seed("selfMatrix");
    int[][] shapes = {{1, 3}, {7, 3}, {64, 16}, {193, 33}, {500, 129}};
    for (SimilarityEngine e : Reference.engines()) {
      SplittableRandom r = new SplittableRandom(seed);
      for (int[] s : shapes) {
        int n = s[0];
        FloatMatrix a = Reference.random(r, n, s[1]);
        if (n > 2) {
          System.arraycopy(a.data(), 0, a.data(), (n - 1) * s[1], s[1]);
        }
        for (Distance d : Distance.values()) {
          float[] self = new float[n * n];
          float[] full = new float[n * n];
          e.selfMatrix(a, d, self);
          e.matrix(a, a, d, full);
          String where = e + " self " + n + "x" + s[1];
          for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
              float v = self[i * n + j];
              assertEquals(v, self[j * n + i], where + " symmetric at " + i + "," + j);
              if (i == j && d != Distance.DOT) {
                assertEquals(d == Distance.COSINE ? 1f : 0f, v, where + " diagonal " + d);
              } else {
                Reference.check(where, v, a, i, a, j, d);
                Reference.check(where + " matrix(a,a)", full[i * n + j], a, i, a, j, d);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void publicEntryPointsAgreeWithEngine() {
    long seed = Reference.seed("publicEntryPoints");
    SplittableRandom r = new SplittableRandom(seed);
    FloatMatrix a = Reference.random(r, 70, 24);
    FloatMatrix b = Reference.random(r, 90, 24);
    FloatMatrix m = Similarities.matrix(a, b, Distance.L2);
    FloatMatrix into = FloatMatrix.zeros(70, 90);
    Similarities.matrix(a, b, Distance.L2, into);
    FloatMatrix self = Similarities.selfMatrix(a, Distance.COSINE);
    for (int i = 0; i < 70; i++) {
      for (int j = 0; j < 90; j++) {
        Reference.check("matrix", m.get(i, j), a, i, b, j, Distance.L2);
        assertEquals(m.get(i, j), into.get(i, j));
        Reference.check("score", Similarities.score(a, i, b, j, Distance.L2), a, i, b, j, Distance.L2);
      }
      assertEquals(1f, self.get(i, i));
    }
    assertTrue(Similarities.backend().equals("panama") || Similarities.backend().equals("scalar"));
    assertThrows(IllegalArgumentException.class, () -> Similarities.matrix(a, b, Distance.DOT, FloatMatrix.zeros(90, 70)));
    assertThrows(IllegalArgumentException.class, () -> Similarities.matrix(a, FloatMatrix.zeros(3, 5), Distance.DOT));
  }

  @Test
  void cosineRejectsZeroNormRowByName() {
    FloatMatrix a = FloatMatrix.zeros(30, 4);
    for (int i = 0; i < 30; i++) {
      if (i != 17) {
        a.set(i, i % 4, 1f);
      }
    }
    FloatMatrix ok = FloatMatrix.fromRows(new float[][] {{1, 2, 3, 4}});
    for (SimilarityEngine e : Reference.engines()) {
      String m1 = assertThrows(IllegalArgumentException.class,
          () -> e.matrix(a, ok, Distance.COSINE, new float[30])).getMessage();
      assertEquals("row 17 has zero norm; cosine is undefined", m1);
      String m2 = assertThrows(IllegalArgumentException.class,
          () -> e.selfMatrix(a, Distance.COSINE, new float[900])).getMessage();
      assertEquals("row 17 has zero norm; cosine is undefined", m2);
      String m3 = assertThrows(IllegalArgumentException.class,
          () -> e.forEachBlock(ok, a, Distance.COSINE, (r0, r1, c0, c1, b) -> {})).getMessage();
      assertTrue(m3.startsWith("row 17 of the second matrix has zero norm"), m3);
      assertThrows(IllegalArgumentException.class, () -> Similarities.topK(a, ok, Distance.COSINE, 1));
      // The other kinds are defined for zero rows.
      float[] out = new float[30];
      e.matrix(a, ok, Distance.L2, out);
      assertEquals((float) Math.sqrt(30), out[17], 1e-5f);
    }
  }

  @Test
  void normsAndNormalisation() {
    long seed = Reference.seed("norms");
    SplittableRandom r = new SplittableRandom(seed);
    FloatMatrix a = Reference.random(r, 37, 131);
    float[] n = Similarities.norms(a);
    FloatMatrix u = Similarities.normalizeRows(a);
    for (int i = 0; i < 37; i++) {
      double want = Math.sqrt(Reference.dot(a, i, a, i));
      assertEquals(want, n[i], want * 1e-5);
      assertEquals(1.0, Math.sqrt(Reference.dot(u, i, u, i)), 1e-5);
      for (int k = 0; k < 131; k++) {
        assertEquals(a.get(i, k) / want, u.get(i, k), 1e-5 * Math.abs(a.get(i, k) / want) + 1e-7);
      }
    }
    FloatMatrix z = a.copy();
    java.util.Arrays.fill(z.data(), 5 * 131, 6 * 131, 0f);
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Similarities.normalizeRowsInPlace(z));
    assertTrue(ex.getMessage().startsWith("row 5 "), ex.getMessage());
    assertEquals(a.get(0, 0), z.get(0, 0), "a failed normalisation leaves the matrix untouched");
  }

  @Test
  void emptyAndZeroDimensionInputs() {
    for (SimilarityEngine e : Reference.engines()) {
      e.matrix(FloatMatrix.zeros(0, 4), FloatMatrix.zeros(3, 4), Distance.L2, new float[0]);
      e.selfMatrix(FloatMatrix.zeros(0, 4), Distance.L2, new float[0]);
      float[] out = new float[6];
      e.matrix(FloatMatrix.zeros(2, 0), FloatMatrix.zeros(3, 0), Distance.SQUARED_L2, out);
      assertEquals(0f, out[5]);
      e.forEachBlock(FloatMatrix.zeros(3, 2), FloatMatrix.zeros(0, 2), Distance.DOT,
          (r0, r1, c0, c1, b) -> { throw new AssertionError("no blocks expected"); });
    }
  }
}
