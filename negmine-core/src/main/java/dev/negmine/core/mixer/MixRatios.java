package dev.negmine.core.mixer;

import java.util.EnumMap;
import java.util.Map;

/**
 * Shares of each source among an anchor's negatives; non-negative, summing to 1 (within 1e-9).
 *
 * @param shares a share per source; absent sources have share 0
 */
public record MixRatios(Map<NegativeSource, Double> shares) {
  public MixRatios {
    EnumMap<NegativeSource, Double> copy = new EnumMap<>(NegativeSource.class);
    double sum = 0;
    for (NegativeSource s : NegativeSource.values()) {
      double v = shares.getOrDefault(s, 0.0);
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("share of " + s + " must be finite and >= 0, got " + v);
      }
      copy.put(s, v);
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-9) {
      throw new IllegalArgumentException("shares must sum to 1, got " + sum);
    }
    shares = java.util.Collections.unmodifiableMap(copy);
  }

  public static MixRatios of(double random, double inBatch, double queue, double offline) {
    EnumMap<NegativeSource, Double> m = new EnumMap<>(NegativeSource.class);
    m.put(NegativeSource.RANDOM, random);
    m.put(NegativeSource.IN_BATCH, inBatch);
    m.put(NegativeSource.QUEUE, queue);
    m.put(NegativeSource.OFFLINE, offline);
    return new MixRatios(m);
  }

  public double share(NegativeSource s) {
    return shares.get(s);
  }

  /** Linear interpolation {@code (1 - t) * this + t * other}, t in [0, 1]. */
  public MixRatios lerp(MixRatios other, double t) {
    double u = Math.max(0, Math.min(1, t));
    EnumMap<NegativeSource, Double> m = new EnumMap<>(NegativeSource.class);
    double sum = 0;
    for (NegativeSource s : NegativeSource.values()) {
      double v = (1 - u) * share(s) + u * other.share(s);
      m.put(s, v);
      sum += v;
    }
    for (NegativeSource s : NegativeSource.values()) {
      m.put(s, m.get(s) / sum);
    }
    return new MixRatios(m);
  }
}
