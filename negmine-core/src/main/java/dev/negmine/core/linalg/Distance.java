package dev.negmine.core.linalg;

import java.util.Locale;

/**
 * How two embeddings are compared. Similarities ({@link #DOT}, {@link #COSINE}) grow as items get
 * closer; distances ({@link #L2}, {@link #SQUARED_L2}) shrink. Miners use {@link #closer} so they
 * never branch on the kind themselves.
 */
public enum Distance {
  DOT("dot", true),
  COSINE("cosine", true),
  L2("l2", false),
  SQUARED_L2("squared-l2", false);

  private final String cliName;
  private final boolean similarity;

  Distance(String cliName, boolean similarity) {
    this.cliName = cliName;
    this.similarity = similarity;
  }

  /** True when larger values mean closer items. */
  public boolean isSimilarity() {
    return similarity;
  }

  /** The name used on the command line and in JSON ({@code l2}, {@code squared-l2}, ...). */
  public String cliName() {
    return cliName;
  }

  /** True when score {@code a} means strictly closer than score {@code b}. */
  public boolean closer(float a, float b) {
    return similarity ? a > b : a < b;
  }

  /**
   * Converts a score to a "distance-like" value where smaller is closer: similarities are negated,
   * distances are returned as is. Miners rank with this so one code path serves every kind.
   */
  public float toDistanceLike(float score) {
    return similarity ? -score : score;
  }

  public static Distance parse(String name) {
    String n = name.toLowerCase(Locale.ROOT).replace('_', '-');
    for (Distance d : values()) {
      if (d.cliName.equals(n)) {
        return d;
      }
    }
    if (n.equals("euclidean")) {
      return L2;
    }
    throw new IllegalArgumentException(
        "unknown distance '" + name + "' (expected l2, cosine, dot or squared-l2)");
  }
}
