package dev.negmine.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * Triplet margin loss over negatives from several sources. Anchors are batch rows (rows
 * {@code [0, batch)} of {@code rows}, with gradients); each positive and negative is a row of
 * {@code rows} (batch rows, or extra items embedded in the same forward pass: gradients flow) or
 * of {@code constants} (memory-queue rows and detached extra items: no gradient). A pure function
 * of its inputs.
 */
public record MixedTripletLoss(double margin, Reduction reduction) implements SourceLoss {
  public MixedTripletLoss {
    if (!Double.isFinite(margin) || reduction == null) {
      throw new IllegalArgumentException("triplet loss needs a finite margin and a reduction, got " + margin + ", " + reduction);
    }
  }

  @Override
  public String name() {
    return "triplet(margin=" + margin + ")";
  }

  /**
   * The semi-hard terms of {@code tuples} (those whose negative lies farther than the positive,
   * {@link StepTuples.Pairs#kept()}), as {@link #compute(NDArray, int, NDArray, int[], int[], int[], int[], double, Reduction)}.
   */
  @Override
  public NDArray compute(NDArray live, NDArray constants, StepTuples tuples) {
    int[][] terms = tuples.keptTerms();
    return compute(live, tuples.batch(), constants, tuples.negAnchor(), tuples.negRow(), terms[0], terms[1], margin,
        reduction);
  }

  /**
   * The loss {@code reduce(max(0, d(a,p) - d(a,n) + margin))} over the listed terms, L2 distances.
   *
   * @param rows (B + K) x d embeddings on the graph; the first {@code batch} rows are the batch
   * @param constants Q' x d detached negatives, or null; negative index {@code rows.rows + j} is row j
   * @param negAnchor per negative, its anchor (a batch row)
   * @param negRow per negative, its row in rows-then-constants
   * @param termPositive per term, its positive (a row of rows-then-constants, like negRow); the
   *     anchor is the negative's anchor
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
    NDArray dan = Losses.l2(Losses.rows(rows, negAnchor), Losses.rows(all, negRow));
    int[] termAnchor = new int[termPositive.length];
    for (int t = 0; t < termAnchor.length; t++) {
      termAnchor[t] = negAnchor[termNegative[t]];
      if (termAnchor[t] >= batch) {
        throw new IllegalArgumentException("negative " + termNegative[t] + " has anchor " + termAnchor[t]
            + " outside the batch of " + batch);
      }
    }
    NDArray dap = Losses.l2(Losses.rows(rows, termAnchor), Losses.rows(all, termPositive));
    NDArray diff = dap.sub(Losses.rows(dan, termNegative));
    return Losses.reduce(diff.add((float) margin).maximum(0f), reduction);
  }
}
