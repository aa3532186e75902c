package dev.negmine.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.negmine.core.internal.vector.VectorKernels;
import dev.negmine.core.internal.vector.VectorizationProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The self-join against the streamed {@code topK(a, a, ...)} it replaces: the same indices and the
 * same score bits, for every backend, distance, block size and thread count, with and without a
 * filter, on data with many exact ties.
 */
class SelfTopKTest {
  private static List<VectorKernels> kernels() {
    List<VectorKernels> out = new ArrayList<>();
    out.add(VectorizationProvider.scalar());
    VectorizationProvider.panama().ifPresent(out::add);
    return out;
  }

  private static void assertSameTopK(TopK want, TopK got, String where) {
    assertEquals(want.queries(), got.queries(), where);
    assertEquals(want.k(), got.k(), where);
    assertArrayEquals(want.indices(), got.indices(), where + " indices");
    int[] wantBits = new int[want.scores().length];
    int[] gotBits = new int[got.scores().length];
    for (int i = 0; i < wantBits.length; i++) {
      wantBits[i] = Float.floatToIntBits(want.scores()[i]);
      gotBits[i] = Float.floatToIntBits(got.scores()[i]);
    }
    assertArrayEquals(wantBits, gotBits, where + " score bits");
  }

  @Test
  void equalsTheStreamedTopKOnRandomData() {
    long seed = Reference.seed("selfTopK random");
    int[][] shapes = {{1, 3, 1}, {2, 5, 4}, {97, 7, 10}, {301, 16, 30}, {700, 33, 200}};
    for (VectorKernels kern : kernels()) {
      SimilarityEngine oracle = new SimilarityEngine(kern, Parallel.serial());
      SplittableRandom r = new SplittableRandom(seed);
      for (int[] s : shapes) {
        FloatMatrix a = Reference.random(r, s[0], s[1]);
        long[] label = new long[s[0]];
        for (int i = 0; i < label.length; i++) {
          label[i] = r.nextInt(5);
        }
        PairFilter other = (q, key) -> key != q && label[key] != label[q];
        for (Distance d : Distance.values()) {
          TopK want = Similarities.topK(oracle, a, a, d, s[2], null);
          TopK wantFiltered = Similarities.topK(oracle, a, a, d, s[2], other);
          for (int threads : new int[] {1, 3}) {
            for (int block : new int[] {1, 96, 512}) {
              SelfTopK self = new SelfTopK(kern, Parallel.ofThreads(threads), block, 0);
              String where = kern + " " + d + " n=" + s[0] + " d=" + s[1] + " k=" + s[2] + " threads=" + threads
                  + " block=" + block;
              assertSameTopK(want, self.run(a, d, s[2], null), where);
              assertSameTopK(wantFiltered, self.run(a, d, s[2], other), where + " filtered");
            }
          }
        }
      }
    }
  }

  @Test
  void tiesAndDuplicateRowsGoToTheLowestIndex() {
    long seed = Reference.seed("selfTopK ties");
    for (VectorKernels kern : kernels()) {
      SimilarityEngine oracle = new SimilarityEngine(kern, Parallel.serial());
      SplittableRandom r = new SplittableRandom(seed);
      int n = 500;
      int dim = 3;
      float[] data = new float[n * dim];
      for (int i = 0; i < data.length; i++) {
        data[i] = r.nextInt(-2, 3);
      }
      data[0] = 1;
      FloatMatrix a = FloatMatrix.of(n, dim, data);
      for (Distance d : new Distance[] {Distance.DOT, Distance.SQUARED_L2, Distance.L2}) {
        for (int k : new int[] {1, 25, 499, 600}) {
          TopK want = Similarities.topK(oracle, a, a, d, k, null);
          for (int threads : new int[] {1, 2, 5}) {
            TopK got = new SelfTopK(kern, Parallel.ofThreads(threads), 48, 0).run(a, d, k, null);
            assertSameTopK(want, got, kern + " " + d + " k=" + k + " threads=" + threads);
          }
        }
      }
    }
  }

  @Test
  void aFilterThatRejectsEverythingLeavesEmptySlots() {
    FloatMatrix a = Reference.random(new SplittableRandom(1), 60, 8);
    TopK got = Similarities.selfTopK(a, Distance.COSINE, 5, (q, key) -> false);
    for (int q = 0; q < 60; q++) {
      for (int r = 0; r < 5; r++) {
        assertEquals(-1, got.index(q, r));
        assertEquals(Float.NaN, got.score(q, r));
      }
    }
  }

  @Test
  void rejectsNegativeKAndZeroNormsForCosine() {
    FloatMatrix a = FloatMatrix.of(2, 2, new float[] {1, 0, 0, 0});
    assertThrows(IllegalArgumentException.class, () -> Similarities.selfTopK(a, Distance.DOT, -1, null));
    assertThrows(IllegalArgumentException.class, () -> Similarities.selfTopK(a, Distance.COSINE, 1, null));
    assertEquals(0, Similarities.selfTopK(FloatMatrix.zeros(0, 4), Distance.DOT, 3, null).queries());
  }
}
