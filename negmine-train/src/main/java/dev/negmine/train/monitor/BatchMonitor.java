package dev.negmine.train.monitor;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mining.Miner;
import dev.negmine.core.mining.MiningBatch;
import dev.negmine.core.mining.Triplets;

/**
 * Computes the per-step statistics of {@link BatchStats} from a batch's embeddings (on the host, no
 * gradients). The hardest loss uses a batch-hard miner handed in, so the hardest-pair rule is the
 * miners' own. Stateless apart from that miner; thread-safe.
 */
public final class BatchMonitor {
  private final Miner batchHard;

  public BatchMonitor(Miner batchHard) {
    this.batchHard = batchHard;
  }

  /**
   * @param emb B x d L2-normalised embeddings
   * @param scores the batch's L2 distance matrix as the active miner saw it (shared, not
   *     recomputed); the hardest loss and the active fraction are read from it
   * @param mined the tuples the active miner returned for this batch
   */
  public BatchStats measure(long step, int epoch, String miner, double loss, double margin,
      FloatMatrix emb, MiningBatch scores, Triplets mined) {
    if (scores.distance() != dev.negmine.core.linalg.Distance.L2) {
      throw new IllegalArgumentException("the monitor reads L2 distances, got " + scores.distance());
    }
    Triplets hard = batchHard.mine(scores, step);
    FloatMatrix d = scores.scores();
    double hardest = 0;
    for (int r = 0; r < hard.size(); r++) {
      hardest += Math.max(0, d.get(hard.anchor(r), hard.positive(r)) - d.get(hard.anchor(r), hard.negative(r)) + margin);
    }
    hardest = hard.size() == 0 ? 0 : hardest / hard.size();
    int active = 0;
    for (int r = 0; r < mined.size(); r++) {
      if (d.get(mined.anchor(r), mined.positive(r)) - d.get(mined.anchor(r), mined.negative(r)) + margin > 0) {
        active++;
      }
    }
    double activeFraction = mined.size() == 0 ? Double.NaN : (double) active / mined.size();
    return new BatchStats(step, epoch, miner, emb.rows(), loss,
        new BatchStats.Figures(hardest, mined.size(), activeFraction, meanCosine(emb), effectiveRank(emb)));
  }

  /** Mean cosine over distinct pairs of L2-normalised rows: (|sum|^2 - B) / (B (B - 1)). */
  public static double meanCosine(FloatMatrix e) {
    int b = e.rows();
    int d = e.cols();
    if (b < 2) {
      return Double.NaN;
    }
    double[] sum = new double[d];
    double self = 0;
    float[] x = e.data();
    for (int i = 0; i < b; i++) {
      for (int k = 0; k < d; k++) {
        sum[k] += x[i * d + k];
        self += (double) x[i * d + k] * x[i * d + k];
      }
    }
    double sq = 0;
    for (double v : sum) {
      sq += v * v;
    }
    return (sq - self) / ((double) b * (b - 1));
  }

  /**
   * Effective rank (Roy and Vetterli 2007) of the uncentred embeddings: the singular values come
   * from the eigenvalues of the d x d Gram matrix, found by tridiagonal QL (O(d^3),
   * well under a millisecond at d = 64).
   */
  public static double effectiveRank(FloatMatrix e) {
    int d = e.cols();
    double[][] g = new double[d][d];
    float[] x = e.data();
    for (int i = 0; i < e.rows(); i++) {
      int o = i * d;
      for (int p = 0; p < d; p++) {
        double xp = x[o + p];
        for (int q = p; q < d; q++) {
          g[p][q] += xp * x[o + q];
        }
      }
    }
    for (int p = 0; p < d; p++) {
      for (int q = 0; q < p; q++) {
        g[p][q] = g[q][p];
      }
    }
    double[] eig = SymmetricEigen.eigenvalues(g);
    double total = 0;
    double[] sv = new double[d];
    for (int k = 0; k < d; k++) {
      sv[k] = Math.sqrt(Math.max(0, eig[k]));
      total += sv[k];
    }
    if (!(total > 0)) {
      return 0;
    }
    double h = 0;
    for (double s : sv) {
      double p = s / total;
      if (p > 0) {
        h -= p * Math.log(p);
      }
    }
    return Math.exp(h);
  }
}
