package dev.negmine.train.loss;

/**
 * How per-term losses become one scalar.
 *
 * <p>{@link #ACTIVE_MEAN} divides by the number of non-zero terms (pytorch-metric-learning's
 * {@code AvgNonZeroReducer}, the default for triplet and contrastive losses): as training succeeds
 * and most terms reach zero, the remaining hard terms keep a full-size gradient. {@link #MEAN}
 * divides by every term, so the gradient shrinks as the batch gets easy. With no active term both
 * give zero.
 */
public enum Reduction {
  ACTIVE_MEAN,
  MEAN;

  public static Reduction parse(String s) {
    return switch (s.toLowerCase(java.util.Locale.ROOT).replace('_', '-')) {
      case "active-mean", "active", "nonzero" -> ACTIVE_MEAN;
      case "mean", "all" -> MEAN;
      default -> throw new IllegalArgumentException("unknown reduction '" + s + "' (expected active-mean or mean)");
    };
  }
}
