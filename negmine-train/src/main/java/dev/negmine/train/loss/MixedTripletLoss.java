package dev.negmine.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * Triplet margin loss over negatives from several sources. Anchors and positives are batch rows
 * (rows {@code [0, batch)} of {@code rows}, with gradients); each negative is a row of
 * {@code rows} (batch rows, or extra items embedded in the same forward pass: gradients flow) or
 * of {@code constants} (memory-queue rows: detached, no gradient). A pure function of its inputs.
 */
public final class MixedTripletLoss {
  private MixedTripletLoss() {}

  /**
   * The loss {@code reduce(max(0, d(a,p) - d(a,n) + margin))} over the listed terms, L2 distances.
   *
   * @param rows (B + K) x d embeddings on the graph; the first {@code batch} rows are the batch
   * @param constants Q' x d detached negatives, or null; negative index {@code rows.rows + j} is row j
   * @param negAnchor per negative, its anchor (a batch row)
   * @param negRow per negative, its row in rows-then-constants
   * @param termPositive per term, its positive (a batch row); the anchor is the negative's anchor
   * @param termNegative per term, its negative (index into negAnchor/negRow)
   * @return a scalar on the graph (zero, still attached, when there are no terms)
   */
  public static NDArray compute(NDArray rows, int batch, NDArray constants, int[] negAnchor, int[] negRow,
      int[] termPositive, int[] termNegative, double margin, Reduction reduction) {
    if (negAnchor.length != negRow.length || termPositive.length != termNegative.length) {
      throw new IllegalArgumentException("misaligned negative or term index arrays");
    }
    if (termPositive.length == 0) {
      return Losses.zero(rows);
    }
    NDArray all = constants == null ? rows : NDArrays.concat(new NDList(rows, constants), 0);
    NDArray batchRows = batch == rows.getShape().get(0) ? rows : rows.get("0:" + batch);
    NDArray dap = Losses.pairwiseL2(batchRows).reshape(-1);
    NDArray dan = Losses.l2(Losses.rows(rows, negAnchor), Losses.rows(all, negRow));
    int[] ap = new int[termPositive.length];
    for (int t = 0; t < ap.length; t++) {
      ap[t] = negAnchor[termNegative[t]] * batch + termPositive[t];
    }
    NDArray diff = Losses.rows(dap, ap).sub(Losses.rows(dan, termNegative));
    return Losses.reduce(diff.add((float) margin).maximum(0f), reduction);
  }
}
