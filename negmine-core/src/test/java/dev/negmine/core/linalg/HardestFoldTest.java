package dev.negmine.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** HardestFold against a brute-force fold over the materialised score matrix, on every engine. */
class HardestFoldTest {
  /** Rows of {@code src} in order, then {@code dups} copies of earlier rows (exact score ties). */
  private static FloatMatrix withDuplicates(FloatMatrix src, int dups, SplittableRandom r) {
    int n = src.rows();
    int d = src.cols();
    float[] x = java.util.Arrays.copyOf(src.data(), (n + dups) * d);
    for (int i = 0; i < dups; i++) {
      System.arraycopy(src.data(), r.nextInt(n) * d, x, (n + i) * d, d);
    }
    return FloatMatrix.of(n + dups, d, x);
  }

  private static long[] draw(SplittableRandom r, int n, int bound, long base) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = base + r.nextInt(bound);
    }
    return out;
  }

  /** The in-batch miner's rules over one explicit score row per anchor, keys in index order. */
  private static void oracle(float[] scores, int width, int anchors, long[] labels, long[] ids, long[] keyLabels,
      long[] keyIds, Distance d, int[] far, int[] near, float[] farScore, float[] nearScore) {
    float sign = d.isSimilarity() ? -1f : 1f;
    for (int i = 0; i < anchors; i++) {
      int p = -1;
      int n = -1;
      float fp = 0f;
      float nn = 0f;
      for (int j = 0; j < width; j++) {
        if (keyIds[j] == ids[i]) {
          continue;
        }
        float x = sign * scores[i * width + j];
        if (keyLabels[j] == labels[i]) {
          if (p < 0 || x > fp) {
            fp = x;
            p = j;
          }
        } else if (n < 0 || x < nn) {
          nn = x;
          n = j;
        }
      }
      far[i] = p;
      near[i] = n;
      farScore[i] = sign * fp;
      nearScore[i] = sign * nn;
    }
  }

  private static void check(SimilarityEngine e, Distance d, int anchors, int m1, int m2, int dim, int classes,
      SplittableRandom r) {
    FloatMatrix a = Reference.random(r, anchors, dim);
    FloatMatrix k1 = withDuplicates(Reference.random(r, m1, dim), m1 / 4, r);
    FloatMatrix k2 = withDuplicates(Reference.random(r, m2, dim), m2 / 4, r);
    long[] labels = draw(r, anchors, classes, 100);
    long[] ids = new long[anchors];
    for (int i = 0; i < anchors; i++) {
      ids[i] = 1000 + i;
    }
    long[] l1 = draw(r, k1.rows(), classes + 2, 100);
    long[] l2 = draw(r, k2.rows(), classes + 2, 100);
    long[] i1 = draw(r, k1.rows(), anchors * 3, 1000); // about a third share an anchor's id
    long[] i2 = draw(r, k2.rows(), anchors * 3, 1000);

    HardestFold f = new HardestFold(e, a, labels, ids, d);
    f.fold(k1, l1, i1, 0);
    f.fold(k2, l2, i2, k1.rows());
    // the same folds with the keys' squared norms computed beforehand (as a memory queue keeps them)
    HardestFold g = new HardestFold(e, a, labels, ids, d);
    g.fold(k1, l1, i1, 0, Similarities.squaredNorms(k1));
    g.fold(k2, l2, i2, k1.rows(), Similarities.squaredNorms(k2));

    int w = k1.rows() + k2.rows();
    FloatMatrix keys = FloatMatrix.of(w, dim, concat(k1.data(), k2.data()));
    float[] scores = new float[anchors * w];
    e.matrix(a, keys, d, scores);
    int[] far = new int[anchors];
    int[] near = new int[anchors];
    float[] fs = new float[anchors];
    float[] ns = new float[anchors];
    oracle(scores, w, anchors, labels, ids, concat(l1, l2), concat(i1, i2), d, far, near, fs, ns);
    String where = Reference.label(e) + " " + d;
    for (int i = 0; i < anchors; i++) {
      assertEquals(far[i], f.farthest(i), where + " anchor " + i + " positive");
      assertEquals(near[i], f.nearest(i), where + " anchor " + i + " negative");
      if (far[i] >= 0) {
        assertEquals(Float.floatToIntBits(fs[i]), Float.floatToIntBits(f.farthestScore(i)), where + " anchor " + i);
      }
      if (near[i] >= 0) {
        assertEquals(Float.floatToIntBits(ns[i]), Float.floatToIntBits(f.nearestScore(i)), where + " anchor " + i);
      }
      assertEquals(far[i], g.farthest(i), where + " anchor " + i + " positive, norms given");
      assertEquals(near[i], g.nearest(i), where + " anchor " + i + " negative, norms given");
      assertEquals(Float.floatToIntBits(f.farthestScore(i)), Float.floatToIntBits(g.farthestScore(i)), where);
      assertEquals(Float.floatToIntBits(f.nearestScore(i)), Float.floatToIntBits(g.nearestScore(i)), where);
    }
  }

  @Test
  void matchesBruteForceOnEveryEngineAndDistance() {
    long seed = Reference.seed("HardestFoldTest.small");
    for (SimilarityEngine e : Reference.engines()) {
      for (Distance d : Distance.values()) {
        SplittableRandom r = new SplittableRandom(seed);
        // odd sizes: partial key tiles and padded anchor panels; 3 classes so most anchors have both
        check(e, d, 37, 23, 301, 19, 3, r);
        check(e, d, 5, 1, 9, 4, 2, r);
      }
    }
  }

  @Test
  void largeFoldsSplitAcrossThreadsMatchTheSerialResult() {
    long seed = Reference.seed("HardestFoldTest.large");
    for (SimilarityEngine e : Reference.engines()) {
      SplittableRandom r = new SplittableRandom(seed);
      // 70 x 30,000 x 128 is above the serial threshold, so the parallel engines split the anchors
      check(e, Distance.L2, 70, 7, 24_000, 128, 40, r);
    }
  }

  @Test
  void anchorsWithoutCandidatesReportNone() {
    SimilarityEngine e = Reference.engines().get(0);
    FloatMatrix a = FloatMatrix.of(2, 2, new float[] {1, 0, 0, 1});
    HardestFold f = new HardestFold(e, a, new long[] {1, 2}, new long[] {10, 20}, Distance.COSINE);
    // the one key shares anchor 0's id (skipped for it) and is a negative of anchor 1
    f.fold(FloatMatrix.of(1, 2, new float[] {1, 1}), new long[] {1}, new long[] {10}, 5);
    assertEquals(-1, f.farthest(0));
    assertEquals(-1, f.nearest(0));
    assertEquals(-1, f.farthest(1));
    assertEquals(5, f.nearest(1));
    assertThrows(IllegalArgumentException.class, () -> f.fold(FloatMatrix.zeros(1, 3), new long[1], new long[1], 0));
    assertThrows(IllegalArgumentException.class, () -> f.fold(FloatMatrix.zeros(2, 2), new long[1], new long[2], 0));
    assertThrows(IndexOutOfBoundsException.class, () -> f.nearest(2));
  }

  private static float[] concat(float[] a, float[] b) {
    float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static long[] concat(long[] a, long[] b) {
    long[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
