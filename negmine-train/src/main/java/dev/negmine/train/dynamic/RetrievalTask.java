package dev.negmine.train.dynamic;

import dev.negmine.core.linalg.FloatMatrix;
import java.util.SplittableRandom;

/**
 * The experiment's seeded synthetic retrieval corpus with real cluster structure. Each target has a
 * latent point {@code z = c + spread * eps} in {@code R^latent} around one of {@code clusters}
 * Gaussian centres; its raw features are {@code tanh(B z)} in {@code R^dim}, and a query for it sees
 * {@code tanh(A z) + noise * eps'}, through fixed random maps {@code A}, {@code B}: two different
 * nonlinear views of a low-dimensional manifold (as real embeddings have low intrinsic dimension),
 * so each tower must learn its own map, and the hard negatives are the target's cluster mates.
 * Relevance: exactly the target that generated the query.
 */
final class RetrievalTask {
  final int targets;
  final int dim;
  final FloatMatrix targetFeatures;
  final int[] cluster;
  private final float[] mix; // dim x latent
  private final float[] latent; // targets x latentDim
  private final int latentDim;
  private final double queryNoise;

  RetrievalTask(int targets, int dim, int latentDim, int clusters, double spread, double queryNoise, long seed) {
    this.targets = targets;
    this.dim = dim;
    this.latentDim = latentDim;
    this.queryNoise = queryNoise;
    SplittableRandom r = new SplittableRandom(seed);
    double[][] centres = new double[clusters][latentDim];
    for (double[] c : centres) {
      for (int j = 0; j < latentDim; j++) {
        c[j] = r.nextGaussian();
      }
    }
    latent = new float[targets * latentDim];
    cluster = new int[targets];
    for (int i = 0; i < targets; i++) {
      int c = r.nextInt(clusters);
      cluster[i] = c;
      for (int j = 0; j < latentDim; j++) {
        latent[i * latentDim + j] = (float) (centres[c][j] + spread * r.nextGaussian());
      }
    }
    float[] view = new float[dim * latentDim];
    for (int i = 0; i < view.length; i++) {
      view[i] = (float) (r.nextGaussian() / Math.sqrt(latentDim));
    }
    mix = new float[dim * latentDim];
    for (int i = 0; i < mix.length; i++) {
      mix[i] = (float) (r.nextGaussian() / Math.sqrt(latentDim));
    }
    targetFeatures = FloatMatrix.zeros(targets, dim);
    for (int i = 0; i < targets; i++) {
      for (int j = 0; j < dim; j++) {
        double s = 0;
        for (int k = 0; k < latentDim; k++) {
          s += view[j * latentDim + k] * latent[i * latentDim + k];
        }
        targetFeatures.set(i, j, (float) Math.tanh(s));
      }
    }
  }

  /** Raw query features for the given target ids, one row each, noise from {@code r}. */
  FloatMatrix queries(int[] ids, SplittableRandom r) {
    FloatMatrix q = FloatMatrix.zeros(ids.length, dim);
    for (int i = 0; i < ids.length; i++) {
      int zo = ids[i] * latentDim;
      for (int j = 0; j < dim; j++) {
        double s = 0;
        for (int k = 0; k < latentDim; k++) {
          s += mix[j * latentDim + k] * latent[zo + k];
        }
        q.set(i, j, (float) (Math.tanh(s) + queryNoise * r.nextGaussian()));
      }
    }
    return q;
  }

  /** Raw features of the given targets. */
  FloatMatrix targetRows(int[] ids) {
    return targetFeatures.gather(ids);
  }
}
