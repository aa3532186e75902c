package dev.negmine.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.negmine.core.mining.Triplets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * InfoNCE / multiple-negatives ranking loss. Each anchor (the first positive the tuples give it)
 * is classified against its positive and every row of {@code embeddings} with a different label:
 * the in-batch negatives, plus any explicit negatives the caller appended as extra rows (with
 * labels of their own). Rows sharing the anchor's label, other than its positive, are masked out,
 * never treated as negatives. Logits are cosine / temperature (embeddings are unit vectors).
 *
 * <p>{@code symmetric} adds the same loss with positive and anchor swapped and averages the two.
 * A non-null {@code logQ} (one entry per row: log of the probability the row was sampled as a
 * negative) is subtracted from the logits of negatives: the sampled-softmax correction. The loss
 * averages over anchors (every anchor contributes; no active-term reduction applies).
 */
record InfoNceLoss(double temperature, boolean symmetric, float[] logQ) implements TupleLoss {
  private static final float MASKED = -1e9f;

  InfoNceLoss {
    if (!(temperature > 0) || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
    }
    logQ = logQ == null ? null : logQ.clone();
  }

  @Override
  public String name() {
    return "infonce(t=" + temperature + (symmetric ? ", symmetric" : "") + (logQ != null ? ", logq" : "") + ")";
  }

  @Override
  public NDArray compute(NDArray embeddings, long[] labels, Triplets tuples) {
    int n = (int) embeddings.getShape().get(0);
    if (labels.length != n) {
      throw new IllegalArgumentException("InfoNCE needs one label per row: " + labels.length + " labels, " + n + " rows");
    }
    if (logQ != null && logQ.length != n) {
      throw new IllegalArgumentException("log-Q has " + logQ.length + " entries for " + n + " rows");
    }
    Map<Integer, Integer> firstPositive = new LinkedHashMap<>();
    for (int r = 0; r < tuples.size(); r++) {
      firstPositive.putIfAbsent(tuples.anchor(r), tuples.positive(r));
    }
    if (firstPositive.isEmpty()) {
      return Losses.zero(embeddings);
    }
    int[] q = firstPositive.keySet().stream().mapToInt(Integer::intValue).toArray();
    int[] k = firstPositive.values().stream().mapToInt(Integer::intValue).toArray();
    NDArray loss = direction(embeddings, labels, q, k);
    if (symmetric) {
      loss = loss.add(direction(embeddings, labels, k, q)).div(2f);
    }
    return loss;
  }

  /** Mean over queries of -log softmax(logits)[positive]. */
  private NDArray direction(NDArray emb, long[] labels, int[] query, int[] positive) {
    int n = labels.length;
    int t = query.length;
    float[] bias = new float[t * n];
    float[] target = new float[t * n];
    for (int r = 0; r < t; r++) {
      for (int j = 0; j < n; j++) {
        boolean isPositive = j == positive[r];
        boolean masked = j == query[r] || (!isPositive && labels[j] == labels[query[r]]);
        bias[r * n + j] = masked ? MASKED : (!isPositive && logQ != null ? -logQ[j] : 0f);
        target[r * n + j] = isPositive ? 1f : 0f;
      }
    }
    NDArray logits = Losses.rows(emb, query).matMul(emb.transpose()).div((float) temperature)
        .add(emb.getManager().create(bias, new Shape(t, n)));
    NDArray logp = logits.logSoftmax(1);
    return logp.mul(emb.getManager().create(target, new Shape(t, n))).sum(new int[] {1}).neg().mean();
  }
}
