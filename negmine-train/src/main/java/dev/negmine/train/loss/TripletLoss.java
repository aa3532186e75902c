package dev.negmine.train.loss;

import ai.djl.ndarray.NDArray;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.mining.Triplets;

/** See {@link Losses#triplet}. Immutable. */
record TripletLoss(double margin, boolean softMargin, Reduction reduction) implements HostGradientLoss {
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

  @Override
  public float lossAndGradient(FloatMatrix embeddings, FloatMatrix distances, Triplets tuples, float[] gradient) {
    int b = embeddings.rows();
    int d = embeddings.cols();
    if (distances.rows() != b || distances.cols() != b || gradient.length != b * d) {
      throw new IllegalArgumentException("expected a " + b + " x " + b + " distance matrix and " + b * d
          + " gradient values, got " + distances + " and " + gradient.length);
    }
    java.util.Arrays.fill(gradient, 0f);
    int t = tuples.size();
    if (t == 0) {
      return 0f;
    }
    float[] dist = distances.data();
    float minDist = (float) Math.sqrt(Losses.DIST_EPS);
    float m = (float) margin;
    // pass 1: the terms (as the engine computes them: float, distances clipped like pairwiseL2)
    float[] slope = new float[t];
    double sum = 0;
    int active = 0;
    for (int r = 0; r < t; r++) {
      int a = tuples.anchor(r);
      float diff = Math.max(dist[a * b + tuples.positive(r)], minDist) - Math.max(dist[a * b + tuples.negative(r)], minDist);
      float term;
      if (softMargin) {
        float ex = (float) Math.exp(diff);
        term = (float) Math.log(1f + ex);
        slope[r] = ex / (1f + ex);
      } else {
        term = Math.max(0f, diff + m);
        slope[r] = term > 0 ? 1f : 0f;
      }
      if (term > 0) {
        active++;
      }
      sum += term;
    }
    float scale = reduction == Reduction.MEAN ? 1f / t : 1f / Math.max(1, active);
    // pass 2: d loss / d dist(i, j), symmetrised, divided by the distance: w(i, j) (e_i - e_j)
    // is the pair's pull on e_i (d dist / d e_i = (e_i - e_j) / dist)
    float[] w = new float[b * b];
    for (int r = 0; r < t; r++) {
      if (slope[r] == 0f) {
        continue;
      }
      float c = slope[r] * scale;
      int a = tuples.anchor(r);
      int p = tuples.positive(r);
      int n = tuples.negative(r);
      w[a * b + p] += c;
      w[p * b + a] += c;
      w[a * b + n] -= c;
      w[n * b + a] -= c;
    }
    // gradient_i = sum_j w(i, j) (e_i - e_j) = rowsum_i(w) e_i - (W E)_i; W E on the SIMD kernel
    float[] rowSum = new float[b];
    for (int i = 0; i < b; i++) {
      float rs = 0;
      for (int j = 0; j < b; j++) {
        int ij = i * b + j;
        float c = w[ij];
        if (c != 0f) {
          float dij = dist[ij];
          // below the clip the engine's version has no gradient
          c = dij > minDist ? c / dij : 0f;
          w[ij] = c;
          rs += c;
        }
      }
      rowSum[i] = rs;
    }
    float[] e = embeddings.data();
    float[] wE = Similarities.matrix(FloatMatrix.of(b, b, w), embeddings.transpose(), Distance.DOT).data();
    for (int i = 0; i < b; i++) {
      float rs = rowSum[i];
      int o = i * d;
      for (int k = 0; k < d; k++) {
        gradient[o + k] = rs * e[o + k] - wE[o + k];
      }
    }
    return (float) (sum * scale);
  }
}
