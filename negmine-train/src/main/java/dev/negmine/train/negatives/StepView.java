package dev.negmine.train.negatives;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;

/**
 * What the sources see of a step after its forward pass: the batch's labels and ids, the host
 * embeddings of the batch rows followed by the extra items the sources asked for
 * ({@link StepRequest}), and the batch's B x B L2 distances. Immutable once built; distances go
 * through core's similarity kernels ({@link Similarities#score}, the difference form).
 *
 * @param plan the step's request (rows, step, mix, extra rows)
 * @param batchLabels label per batch row
 * @param batchIds item id per batch row
 * @param x host embeddings: {@code batch} rows, then one row per extra item
 * @param dist B x B L2 distances between batch rows
 * @param margin the phase's margin (the band's upper offset)
 */
public record StepView(StepRequest plan, long[] batchLabels, long[] batchIds, FloatMatrix x, FloatMatrix dist,
    double margin) {

  static StepView of(StepRequest plan, long[] labels, long[] ids, FloatMatrix x, double margin) {
    StepView rows = batchOnly(plan, labels, ids, x);
    long[] bl = rows.batchLabels();
    long[] bi = rows.batchIds();
    int b = bl.length;
    FloatMatrix dist = FloatMatrix.zeros(b, b);
    for (int i = 0; i < b; i++) {
      for (int j = i; j < b; j++) {
        float v = Similarities.score(x, i, x, j, Distance.L2);
        dist.set(i, j, v);
        dist.set(j, i, v);
      }
    }
    return new StepView(plan, bl, bi, x, dist, margin);
  }

  /** The batch's labels and ids with embeddings {@code x}, without distances (after the step). */
  static StepView batchOnly(StepRequest plan, long[] labels, long[] ids, FloatMatrix x) {
    int b = plan.rows().length;
    long[] bl = new long[b];
    long[] bi = new long[b];
    for (int i = 0; i < b; i++) {
      bl[i] = labels[plan.rows()[i]];
      bi[i] = ids[plan.rows()[i]];
    }
    return new StepView(plan, bl, bi, x, null, 0);
  }

  public int batch() {
    return plan.rows().length;
  }

  public long step() {
    return plan.step();
  }

  /** L2 distance between rows i and j of {@link #x}. */
  public float distance(int i, int j) {
    return i < batch() && j < batch() ? dist.get(i, j) : Similarities.score(x, i, x, j, Distance.L2);
  }

  /** Anchor a's batch positives and their band. */
  public AnchorPositives positives(int a) {
    int b = batch();
    int[] pos = new int[b];
    int np = 0;
    float lo = Float.MAX_VALUE;
    float hi = -1;
    float best = -2;
    for (int p = 0; p < b; p++) {
      if (p != a && batchLabels[p] == batchLabels[a] && batchIds[p] != batchIds[a]) {
        float d = dist.get(a, p);
        pos[np++] = p;
        lo = Math.min(lo, d);
        hi = Math.max(hi, d);
        best = Math.max(best, 1 - d * d / 2);
      }
    }
    return new AnchorPositives(java.util.Arrays.copyOf(pos, np), lo, (float) (hi + margin), best);
  }
}
