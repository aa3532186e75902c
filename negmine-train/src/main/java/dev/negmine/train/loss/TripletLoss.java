package dev.negmine.train.loss;

import ai.djl.ndarray.NDArray;
import dev.negmine.core.mining.Triplets;

/** See {@link Losses#triplet}. Immutable. */
record TripletLoss(double margin, boolean softMargin, Reduction reduction) implements TupleLoss {
  TripletLoss {
    if (!(margin >= 0) || !Double.isFinite(margin)) {
      throw new IllegalArgumentException("margin must be finite and >= 0, got " + margin);
    }
    if (reduction == null) {
      throw new IllegalArgumentException("reduction must be set");
    }
  }

  @Override
  public String name() {
    return softMargin ? "triplet(soft-margin)" : "triplet(margin=" + margin + ")";
  }

  @Override
  public NDArray compute(NDArray embeddings, long[] labels, Triplets tuples) {
    if (tuples.size() == 0) {
      return Losses.zero(embeddings);
    }
    // one B x B distance matrix, then scalar gathers: far cheaper than gathering three T x d row
    // sets when a band miner returns tens of thousands of triplets
    int b = (int) embeddings.getShape().get(0);
    NDArray dist = Losses.pairwiseL2(embeddings).reshape(-1);
    int[] ap = new int[tuples.size()];
    int[] an = new int[tuples.size()];
    for (int r = 0; r < ap.length; r++) {
      ap[r] = tuples.anchor(r) * b + tuples.positive(r);
      an[r] = tuples.anchor(r) * b + tuples.negative(r);
    }
    NDArray diff = Losses.rows(dist, ap).sub(Losses.rows(dist, an));
    NDArray terms = softMargin
        ? diff.exp().add(1f).log()
        : diff.add((float) margin).maximum(0f);
    return Losses.reduce(terms, reduction);
  }
}
