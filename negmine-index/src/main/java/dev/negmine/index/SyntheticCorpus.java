package dev.negmine.index;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import java.util.SplittableRandom;

/**
 * Seeded clustered unit vectors for benchmarks and tests: {@code clusters} Gaussian centres on the
 * sphere, each row a centre plus isotropic noise of standard deviation {@code spread} per
 * coordinate, renormalised; the label is the cluster. Closer to real embeddings than uniform noise
 * (which is the worst case for graph indexes).
 */
public record SyntheticCorpus(FloatMatrix vectors, long[] labels, long seed) {
  public SyntheticCorpus {
    if (vectors == null || labels == null || labels.length != vectors.rows()) {
      throw new IllegalArgumentException("vectors and one label per row must be set");
    }
  }

  public static SyntheticCorpus clustered(int rows, int dim, int clusters, double spread, long seed) {
    if (rows < 1 || dim < 1 || clusters < 1 || !(spread >= 0)) {
      throw new IllegalArgumentException("need rows, dim, clusters >= 1 and spread >= 0");
    }
    SplittableRandom r = new SplittableRandom(seed);
    float[] centres = new float[clusters * dim];
    for (int i = 0; i < centres.length; i++) {
      centres[i] = (float) (r.nextGaussian() / Math.sqrt(dim));
    }
    float[] data = new float[rows * dim];
    long[] labels = new long[rows];
    for (int i = 0; i < rows; i++) {
      int c = r.nextInt(clusters);
      labels[i] = c;
      for (int j = 0; j < dim; j++) {
        data[i * dim + j] = centres[c * dim + j] + (float) (r.nextGaussian() * spread);
      }
    }
    return new SyntheticCorpus(Similarities.normalizeRows(FloatMatrix.of(rows, dim, data)), labels, seed);
  }

  /** Recall@k of {@code approx} against {@code exact}: the share of exact top-k rows found, over all queries. */
  public static double recall(dev.negmine.core.linalg.TopK approx, dev.negmine.core.linalg.TopK exact) {
    if (approx.queries() != exact.queries()) {
      throw new IllegalArgumentException("different query counts");
    }
    long hit = 0;
    long total = 0;
    int ka = approx.k();
    for (int q = 0; q < exact.queries(); q++) {
      java.util.Set<Integer> found = new java.util.HashSet<>();
      for (int r = 0; r < ka; r++) {
        found.add(approx.index(q, r));
      }
      for (int r = 0; r < exact.k(); r++) {
        int e = exact.index(q, r);
        if (e >= 0) {
          total++;
          if (found.contains(e)) {
            hit++;
          }
        }
      }
    }
    return total == 0 ? 1.0 : (double) hit / total;
  }
}
