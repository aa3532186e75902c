package dev.negmine.bench;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import java.util.SplittableRandom;

/** Seeded benchmark inputs. */
final class BenchData {
  private BenchData() {}

  static FloatMatrix normalised(int rows, int dim, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] d = new float[rows * dim];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) r.nextGaussian();
    }
    return Similarities.normalizeRows(FloatMatrix.of(rows, dim, d));
  }

  /** {@code classes} labels, each used rows/classes times, in order. */
  static long[] balancedLabels(int rows, int classes) {
    long[] l = new long[rows];
    for (int i = 0; i < rows; i++) {
      l[i] = i % classes;
    }
    return l;
  }
}
