package dev.negmine.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** topK against a brute-force sort of the full matrix, ties included. */
class TopKTest {
  /** Sorts the full matrix row by row: best first by the kind, ties to the lowest index. */
  private static TopK bruteForce(float[] full, int q, int m, Distance d, int k) {
    int kk = Math.min(k, m);
    int[] idx = new int[q * kk];
    float[] sc = new float[q * kk];
    for (int i = 0; i < q; i++) {
      int row = i;
      Integer[] order = IntStream.range(0, m).boxed().toArray(Integer[]::new);
      Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> d.toDistanceLike(full[row * m + j]))
          .thenComparingInt(j -> j));
      for (int r = 0; r < kk; r++) {
        idx[i * kk + r] = order[r];
        sc[i * kk + r] = full[i * m + order[r]];
      }
    }
    return new TopK(q, kk, idx, sc);
  }

  private static void assertSame(TopK want, TopK got, String where) {
    assertEquals(want.k(), got.k(), where);
    assertEquals(want.queries(), got.queries(), where);
    assertArrayEquals(want.indices(), got.indices(), where + " indices");
    assertArrayEquals(want.scores(), got.scores(), where + " scores");
  }

  @Test
  void matchesBruteForceOnRandomData() {
    long seed = Reference.seed("topK random");
    int[][] shapes = {{1, 1, 3, 1}, {37, 5000, 17, 10}, {5, 9, 4, 20}, {300, 4500, 8, 3}};
    for (SimilarityEngine e : Reference.engines()) {
      SplittableRandom r = new SplittableRandom(seed);
      for (int[] s : shapes) {
        FloatMatrix q = Reference.random(r, s[0], s[2]);
        FloatMatrix keys = Reference.random(r, s[1], s[2]);
        for (Distance d : Distance.values()) {
          float[] full = new float[s[0] * s[1]];
          e.matrix(q, keys, d, full);
          assertSame(bruteForce(full, s[0], s[1], d, s[3]), Similarities.topK(e, q, keys, d, s[3]),
              e + " " + d + " " + Arrays.toString(s));
        }
      }
    }
  }

  @Test
  void tiesGoToTheLowestIndex() {
    long seed = Reference.seed("topK ties");
    for (SimilarityEngine e : Reference.engines()) {
      SplittableRandom r = new SplittableRandom(seed);
      // Small integer coordinates: exact float arithmetic, many equal scores and duplicate keys,
      // spread over more than one 4096-column block.
      int m = 9000;
      int dim = 3;
      float[] kd = new float[m * dim];
      for (int i = 0; i < kd.length; i++) {
        kd[i] = r.nextInt(-2, 3);
      }
      float[] qd = new float[20 * dim];
      for (int i = 0; i < qd.length; i++) {
        qd[i] = r.nextInt(-2, 3);
      }
      qd[0] = 1;
      FloatMatrix keys = FloatMatrix.of(m, dim, kd);
      FloatMatrix q = FloatMatrix.of(20, dim, qd);
      for (Distance d : new Distance[] {Distance.DOT, Distance.SQUARED_L2, Distance.L2}) {
        float[] full = new float[20 * m];
        e.matrix(q, keys, d, full);
        for (int k : new int[] {1, 7, 500}) {
          TopK got = Similarities.topK(e, q, keys, d, k);
          assertSame(bruteForce(full, 20, m, d, k), got, e + " " + d + " k=" + k);
          for (int i = 0; i < 20; i++) {
            for (int rank = 1; rank < got.k(); rank++) {
              if (got.score(i, rank) == got.score(i, rank - 1)) {
                assertEquals(true, got.index(i, rank) > got.index(i, rank - 1), "tie order");
              }
            }
          }
        }
      }
    }
  }

  @Test
  void clampsKAndValidates() {
    FloatMatrix q = FloatMatrix.fromRows(new float[][] {{1, 0}, {0, 1}});
    FloatMatrix keys = FloatMatrix.fromRows(new float[][] {{1, 0}, {0, 2}, {1, 1}});
    TopK t = Similarities.topK(q, keys, Distance.DOT, 10);
    assertEquals(3, t.k());
    assertArrayEquals(new int[] {0, 2, 1, 1, 2, 0}, t.indices());
    assertArrayEquals(new float[] {1, 1, 0, 2, 1, 0}, t.scores());
    TopK none = Similarities.topK(q, keys, Distance.L2, 0);
    assertEquals(0, none.indices().length);
    assertEquals(2, none.queries());
    assertThrows(IllegalArgumentException.class, () -> Similarities.topK(q, keys, Distance.DOT, -1));
    assertThrows(IndexOutOfBoundsException.class, () -> t.index(2, 0));
  }
}
