package dev.negmine.train.negatives;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic hard negatives (Kalantidis et al., "Hard Negative Mixing for Contrastive Learning",
 * NeurIPS 2020, MoCHi): per anchor, new negatives made from its {@code hardest} closest real
 * negatives: {@code pairs} mixes {@code a n_i + (1 - a) n_j} of two of them (a uniform in (0, 1)),
 * and {@code anchorMixes} harder ones {@code b q + (1 - b) n_j} with the anchor q (b uniform in
 * [0, anchorWeightMax)), each L2-normalised. They are built on the host from embedding values and
 * enter the loss as constants: no gradient reaches the rows they were mixed from (nor, through
 * them, the anchor), and they only ever stand as negatives. Seeded by the caller's random stream.
 *
 * @param hardest how many of the anchor's closest real negatives are mixed (N in the paper)
 * @param pairs synthetic negatives from pairs of hard negatives (s)
 * @param anchorMixes synthetic negatives mixing the anchor into a hard negative (s')
 * @param anchorWeightMax upper bound of the anchor's weight b (the paper uses 0.5)
 */
public record SyntheticNegatives(int hardest, int pairs, int anchorMixes, double anchorWeightMax) {
  public SyntheticNegatives {
    if (hardest < 1 || hardest > 1024) {
      throw new IllegalArgumentException("synthetic negatives: hardest must be in [1, 1024], got " + hardest);
    }
    if (pairs < 0 || anchorMixes < 0 || pairs + anchorMixes == 0 || pairs + anchorMixes > 256) {
      throw new IllegalArgumentException("synthetic negatives: pairs + anchor mixes must be in [1, 256], got "
          + pairs + " + " + anchorMixes);
    }
    if (!(anchorWeightMax > 0 && anchorWeightMax <= 0.5)) {
      throw new IllegalArgumentException("synthetic negatives: anchor weight bound must be in (0, 0.5], got " + anchorWeightMax);
    }
  }

  /** MoCHi-like defaults for 10 negatives per anchor: mix the 5 hardest, 4 pairs, 2 anchor mixes, b < 0.5. */
  public static SyntheticNegatives defaults() {
    return new SyntheticNegatives(5, 4, 2, 0.5);
  }

  /** Parses {@code hardest=5,pairs=4,anchor=2,anchor-weight=0.5} (any subset; the rest default). */
  public static SyntheticNegatives parse(String spec) {
    SyntheticNegatives d = defaults();
    if (spec == null || spec.isBlank() || spec.equalsIgnoreCase("default") || spec.equalsIgnoreCase("true")) {
      return d;
    }
    int h = d.hardest();
    int p = d.pairs();
    int a = d.anchorMixes();
    double w = d.anchorWeightMax();
    for (String part : spec.split(",")) {
      String[] kv = part.trim().split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("--synthetic entry '" + part.trim() + "' is not NAME=VALUE (hardest, pairs, anchor, anchor-weight)");
      }
      try {
        switch (kv[0].trim()) {
          case "hardest" -> h = Integer.parseInt(kv[1].trim());
          case "pairs" -> p = Integer.parseInt(kv[1].trim());
          case "anchor" -> a = Integer.parseInt(kv[1].trim());
          case "anchor-weight" -> w = Double.parseDouble(kv[1].trim());
          default -> throw new IllegalArgumentException("unknown --synthetic setting '" + kv[0].trim()
              + "' (expected hardest, pairs, anchor or anchor-weight)");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--synthetic " + kv[0].trim() + ": '" + kv[1].trim() + "' is not a number");
      }
    }
    return new SyntheticNegatives(h, p, a, w);
  }

  /**
   * The synthetic negatives of one anchor, unit rows. Empty when it has no real negative; pairs
   * need two distinct hard negatives (with one, only anchor mixes are made).
   *
   * @param anchor the anchor's embedding (unit)
   * @param negatives the anchor's real negatives (unit embeddings; host copies, never graph arrays)
   * @param distances their L2 distances to the anchor (hardness: smaller is harder)
   */
  public List<float[]> mix(float[] anchor, List<float[]> negatives, float[] distances, SplittableRandom r) {
    int m = negatives.size();
    List<float[]> out = new ArrayList<>();
    if (m == 0) {
      return out;
    }
    Integer[] idx = new Integer[m];
    for (int i = 0; i < m; i++) {
      idx[i] = i;
    }
    java.util.Arrays.sort(idx, (x, y) -> Float.compare(distances[x], distances[y]));
    int top = Math.min(hardest, m);
    int d = anchor.length;
    if (top >= 2) {
      for (int s = 0; s < pairs; s++) {
        int i = r.nextInt(top);
        int j = r.nextInt(top - 1);
        if (j >= i) {
          j++;
        }
        float a = (float) r.nextDouble();
        out.add(unit(combine(negatives.get(idx[i]), a, negatives.get(idx[j]), 1 - a, d)));
      }
    }
    for (int s = 0; s < anchorMixes; s++) {
      int j = r.nextInt(top);
      float b = (float) (r.nextDouble() * anchorWeightMax);
      out.add(unit(combine(anchor, b, negatives.get(idx[j]), 1 - b, d)));
    }
    return out;
  }

  private static float[] combine(float[] x, float wx, float[] y, float wy, int d) {
    float[] z = new float[d];
    for (int k = 0; k < d; k++) {
      z[k] = wx * x[k] + wy * y[k];
    }
    return z;
  }

  private static float[] unit(float[] z) {
    double s = 0;
    for (float v : z) {
      s += (double) v * v;
    }
    float inv = (float) (1 / Math.max(Math.sqrt(s), 1e-12));
    for (int k = 0; k < z.length; k++) {
      z[k] *= inv;
    }
    return z;
  }
}
