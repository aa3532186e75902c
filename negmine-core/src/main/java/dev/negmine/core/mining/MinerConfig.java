package dev.negmine.core.mining;

import dev.negmine.core.linalg.Distance;
import java.util.Objects;

/**
 * Settings shared by all miners; each preset reads the ones it uses. Immutable; built by {@link
 * #builder()}, which holds the defaults and validates once at {@link Builder#build()}.
 *
 * <ul>
 *   <li>{@code distance}: how embeddings are compared (default L2)
 *   <li>{@code normalize}: L2-normalise embeddings before comparing (default true, as pytorch-metric-learning)
 *   <li>{@code margin}: the band width for band and semi-hard miners, in units of {@code distance} (default 0.2)
 *   <li>{@code k}: negatives per (anchor, positive) for {@code topk-hard} (default 5)
 *   <li>{@code maxTriplets}: cap on returned rows, enforced by seeded uniform subsampling; 0 = no cap
 *   <li>{@code seed}: seed of every random choice (subsampling, distance-weighted sampling)
 *   <li>{@code msEpsilon}: multi-similarity mining epsilon (default 0.1, as PML)
 *   <li>{@code dwCutoff}: distance-weighted lower distance cutoff (default 0.5, as PML)
 *   <li>{@code dwNonzeroLossCutoff}: distance-weighted upper cutoff (default 1.4, as PML)
 * </ul>
 */
public final class MinerConfig {
  private final Distance distance;
  private final boolean normalize;
  private final double margin;
  private final int k;
  private final long maxTriplets;
  private final long seed;
  private final double msEpsilon;
  private final double dwCutoff;
  private final double dwNonzeroLossCutoff;

  private MinerConfig(Builder b) {
    if (b.distance == null) {
      throw new IllegalArgumentException("distance must be set");
    }
    if (!Double.isFinite(b.margin) || b.margin < 0) {
      throw new IllegalArgumentException("margin must be finite and >= 0, got " + b.margin);
    }
    if (b.k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + b.k);
    }
    if (b.maxTriplets < 0) {
      throw new IllegalArgumentException("maxTriplets must be >= 0 (0 = no cap), got " + b.maxTriplets);
    }
    if (!(b.msEpsilon >= 0)) {
      throw new IllegalArgumentException("msEpsilon must be >= 0, got " + b.msEpsilon);
    }
    if (!(b.dwCutoff >= 0) || !(b.dwNonzeroLossCutoff > b.dwCutoff)) {
      throw new IllegalArgumentException(
          "distance-weighted cutoffs need 0 <= cutoff < nonzeroLossCutoff, got " + b.dwCutoff + ", " + b.dwNonzeroLossCutoff);
    }
    distance = b.distance;
    normalize = b.normalize;
    margin = b.margin;
    k = b.k;
    maxTriplets = b.maxTriplets;
    seed = b.seed;
    msEpsilon = b.msEpsilon;
    dwCutoff = b.dwCutoff;
    dwNonzeroLossCutoff = b.dwNonzeroLossCutoff;
  }

  public Distance distance() {
    return distance;
  }

  public boolean normalize() {
    return normalize;
  }

  public double margin() {
    return margin;
  }

  public int k() {
    return k;
  }

  public long maxTriplets() {
    return maxTriplets;
  }

  public long seed() {
    return seed;
  }

  public double msEpsilon() {
    return msEpsilon;
  }

  public double dwCutoff() {
    return dwCutoff;
  }

  public double dwNonzeroLossCutoff() {
    return dwNonzeroLossCutoff;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MinerConfig c && distance == c.distance && normalize == c.normalize
        && Double.compare(margin, c.margin) == 0 && k == c.k && maxTriplets == c.maxTriplets && seed == c.seed
        && Double.compare(msEpsilon, c.msEpsilon) == 0 && Double.compare(dwCutoff, c.dwCutoff) == 0
        && Double.compare(dwNonzeroLossCutoff, c.dwNonzeroLossCutoff) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(distance, normalize, margin, k, maxTriplets, seed, msEpsilon, dwCutoff, dwNonzeroLossCutoff);
  }

  @Override
  public String toString() {
    return "MinerConfig[distance=" + distance + ", normalize=" + normalize + ", margin=" + margin + ", k=" + k
        + ", maxTriplets=" + maxTriplets + ", seed=" + seed + ", msEpsilon=" + msEpsilon + ", dwCutoff=" + dwCutoff
        + ", dwNonzeroLossCutoff=" + dwNonzeroLossCutoff + "]";
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

  /** Builder with the defaults documented on the class; not thread-safe. */
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
      return new MinerConfig(this);
    }
  }
}
