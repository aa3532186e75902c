package dev.negmine.train.dynamic;

import dev.negmine.core.linalg.FloatMatrix;

/**
 * The experiment's loss: sampled softmax with the log-Q correction (InfoNCE with a proposal
 * distribution). For query i with positive p and drawn negatives j (proposal Q, k draws), softmax
 * cross-entropy over the logits {@code s_ip / tau} and {@code s_ij / tau - log(k Q(j))}, a drawn
 * negative that is the query's own positive (an accidental hit) masked out; averaged over queries.
 *
 * <p>Why not the engine's {@code InfoNceLoss}: that is a function of DJL NDArrays differentiated by
 * PyTorch's autograd, and the experiment's encoder is a plain-Java MLP ({@link Tower}) whose
 * gradient is written by hand, so the loss must hand back dLoss/dscore itself (and keep the
 * experiment's published figures reproducible: moving the towers onto the engine would change
 * every number). Pure functions; thread-safe.
 */
final class SampledSoftmax {
  private SampledSoftmax() {}

  /**
   * dLoss/dscore for a batch of queries.
   *
   * @param scores queries x rows similarity of each query to every encoded target row
   * @param cand per query, its candidate rows into {@code scores}' columns; {@code [0]} is its positive
   * @param corr per query and candidate, the logit correction {@code log(k Q(j))} (0 for the positive)
   * @param rowIds the target id of every row, to find accidental hits
   * @param pos the positive target id of every query
   * @param invTau 1 / temperature
   * @return queries x rows gradient of the mean loss with respect to {@code scores}
   */
  static FloatMatrix scoreGradient(FloatMatrix scores, int[][] cand, float[][] corr, int[] rowIds, int[] pos, double invTau) {
    int batch = cand.length;
    int rowsN = rowIds.length;
    FloatMatrix g = FloatMatrix.zeros(batch, rowsN);
    for (int i = 0; i < batch; i++) {
      int m = cand[i].length;
      double[] logit = new double[m];
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < m; j++) {
        int row = cand[i][j];
        if (j > 0 && rowIds[row] == pos[i]) {
          logit[j] = Double.NEGATIVE_INFINITY;
          continue;
        }
        logit[j] = scores.get(i, row) * invTau - corr[i][j];
        max = Math.max(max, logit[j]);
      }
      double z = 0;
      for (int j = 0; j < m; j++) {
        logit[j] = Math.exp(logit[j] - max);
        z += logit[j];
      }
      for (int j = 0; j < m; j++) {
        int row = cand[i][j];
        g.data()[i * rowsN + row] += (float) ((logit[j] / z - (j == 0 ? 1 : 0)) * invTau / batch);
      }
    }
    return g;
  }

  /** {@code out[i] = softmax(s[off..off+n) / tau)[i]}, computed stably in double. */
  static void softmax(float[] s, int off, int n, double invTau, double[] out) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, s[off + i] * invTau);
    }
    double z = 0;
    for (int i = 0; i < n; i++) {
      out[i] = Math.exp(s[off + i] * invTau - max);
      z += out[i];
    }
    for (int i = 0; i < n; i++) {
      out[i] /= z;
    }
  }
}
