package dev.negmine.core.mining;

import dev.negmine.core.linalg.Distance;

/**
 * Settings shared by all miners; each preset reads the ones it uses.
 *
 * @param distance how embeddings are compared (default L2)
 * @param normalize L2-normalise embeddings before comparing (default true, as pytorch-metric-learning)
 * @param margin the band width for band and semi-hard miners, in units of {@code distance} (default 0.2)
 * @param k negatives per (anchor, positive) for {@code topk-hard} (default 5)
 * @param maxTriplets cap on returned rows, enforced by seeded uniform subsampling; 0 = no cap
 * @param seed seed of every random choice (subsampling, distance-weighted sampling)
 * @param msEpsilon multi-similarity mining epsilon (default 0.1, as PML)
 * @param dwCutoff distance-weighted lower distance cutoff (default 0.5, as PML)
 * @param dwNonzeroLossCutoff distance-weighted upper cutoff (default 1.4, as PML)
 */
public record MinerConfig(
    Distance distance,
    boolean normalize,
    double margin,
    int k,
    long maxTriplets,
    long seed,
    double msEpsilon,
    double dwCutoff,
    double dwNonzeroLossCutoff) {

  public MinerConfig {
    if (distance == null) {
      throw new IllegalArgumentException("distance must be set");
    }
    if (!Double.isFinite(margin) || margin < 0) {
      throw new IllegalArgumentException("margin must be finite and >= 0, got " + margin);
    }
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    if (maxTriplets < 0) {
      throw new IllegalArgumentException("maxTriplets must be >= 0 (0 = no cap), got " + maxTriplets);
    }
    if (!(msEpsilon >= 0)) {
      throw new IllegalArgumentException("msEpsilon must be >= 0, got " + msEpsilon);
    }
    if (!(dwCutoff >= 0) || !(dwNonzeroLossCutoff > dwCutoff)) {
      throw new IllegalArgumentException(
          "distance-weighted cutoffs need 0 <= cutoff < nonzeroLossCutoff, got " + dwCutoff + ", " + dwNonzeroLossCutoff);
    }
  }

  public static MinerConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().distance(distance).normalize(normalize).margin(margin).k(k)
        .maxTriplets(maxTriplets).seed(seed).msEpsilon(msEpsilon)
        .dwCutoff(dwCutoff).dwNonzeroLossCutoff(dwNonzeroLossCutoff);
  }

  /** Builder with the defaults documented on the record. */
  public static final class Builder {
    private Distance distance = Distance.L2;
    private boolean normalize = true;
    private double margin = 0.2;
    private int k = 5;
    private long maxTriplets = 0;
    private long seed = 0;
    private double msEpsilon = 0.1;
    private double dwCutoff = 0.5;
    private double dwNonzeroLossCutoff = 1.4;

    public Builder distance(Distance v) {
      distance = v;
      return this;
    }

    public Builder normalize(boolean v) {
      normalize = v;
      return this;
    }

    public Builder margin(double v) {
      margin = v;
      return this;
    }

    public Builder k(int v) {
      k = v;
      return this;
    }

    public Builder maxTriplets(long v) {
      maxTriplets = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder msEpsilon(double v) {
      msEpsilon = v;
      return this;
    }

    public Builder dwCutoff(double v) {
      dwCutoff = v;
      return this;
    }

    public Builder dwNonzeroLossCutoff(double v) {
      dwNonzeroLossCutoff = v;
      return this;
    }

    public MinerConfig build() {
      return new MinerConfig(distance, normalize, margin, k, maxTriplets, seed, msEpsilon, dwCutoff, dwNonzeroLossCutoff);
    }
  }
}
