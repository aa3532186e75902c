package dev.negmine.core.linalg;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Double-precision oracles, seeded data and the engines every kernel test runs against. */
final class Reference {
  private Reference() {}

  /** A seed from -Dnegmine.seed or the clock, printed so that a failure can be replayed. */
  static long seed(String test) {
    long s = Long.getLong("negmine.seed", System.nanoTime());
    System.out.println(test + " seed=" + s + " (replay with -Dnegmine.seed=" + s + ")");
    return s;
  }

  /** Every backend this JVM can run, serial and parallel. */
  static List<SimilarityEngine> engines() {
    List<SimilarityEngine> out = new ArrayList<>();
    var scalar = dev.negmine.core.internal.vector.VectorizationProvider.scalar();
    out.add(new SimilarityEngine(scalar, Parallel.serial()));
    out.add(new SimilarityEngine(scalar, Parallel.shared()));
    dev.negmine.core.internal.vector.VectorizationProvider.panama().ifPresent(p -> {
      out.add(new SimilarityEngine(p, Parallel.serial()));
      out.add(new SimilarityEngine(p, Parallel.shared()));
    });
    return out;
  }

  static String label(SimilarityEngine e) {
    return e.toString();
  }

  /** Gaussian rows with per-row scales in [0.1, 10), so that norms differ. */
  static FloatMatrix random(SplittableRandom r, int rows, int dim) {
    float[] x = new float[rows * dim];
    for (int i = 0; i < rows; i++) {
      double scale = Math.pow(10, r.nextDouble(-1, 1));
      for (int k = 0; k < dim; k++) {
        x[i * dim + k] = (float) (r.nextGaussian() * scale);
      }
    }
    return FloatMatrix.of(rows, dim, x);
  }

  static double dot(FloatMatrix a, int i, FloatMatrix b, int j) {
    double s = 0;
    for (int k = 0; k < a.cols(); k++) {
      s += (double) a.get(i, k) * b.get(j, k);
    }
    return s;
  }

  static double score(FloatMatrix a, int i, FloatMatrix b, int j, Distance d) {
    return switch (d) {
      case DOT -> dot(a, i, b, j);
      case COSINE -> dot(a, i, b, j) / Math.sqrt(dot(a, i, a, i) * dot(b, j, b, j));
      case SQUARED_L2 -> squaredDistance(a, i, b, j);
      case L2 -> Math.sqrt(squaredDistance(a, i, b, j));
    };
  }

  static double squaredDistance(FloatMatrix a, int i, FloatMatrix b, int j) {
    double s = 0;
    for (int k = 0; k < a.cols(); k++) {
      double t = (double) a.get(i, k) - b.get(j, k);
      s += t * t;
    }
    return s;
  }

  /**
   * Asserts a float score against the oracle. Float sums of products err by about eps * dim *
   * (|a|^2 + |b|^2); L2 is checked through its square because sqrt amplifies errors near zero.
   */
  static void check(String where, float got, FloatMatrix a, int i, FloatMatrix b, int j, Distance d) {
    double want = score(a, i, b, j, d);
    double scale = dot(a, i, a, i) + dot(b, j, b, j);
    double tol = 4e-7 * (a.cols() + 8) * scale;
    double err = switch (d) {
      case DOT, SQUARED_L2 -> Math.abs(got - want);
      case COSINE -> {
        tol = 4e-7 * (a.cols() + 8) * scale / Math.sqrt(dot(a, i, a, i) * dot(b, j, b, j));
        yield Math.abs(got - want);
      }
      case L2 -> Math.abs((double) got * got - want * want);
    };
    if (!(err <= tol) || (d != Distance.DOT && d != Distance.COSINE && got < 0)) {
      throw new AssertionError(where + " " + d + " (" + i + ", " + j + "): got " + got + ", want " + want
          + " (error " + err + " > tolerance " + tol + ")");
    }
  }
}
