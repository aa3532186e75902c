package dev.negmine.text.mine;

import java.util.Locale;

/**
 * The row layouts of sentence-transformers' {@code mine_hard_negatives} ({@code output_format}),
 * with its rules for queries that found fewer negatives than asked:
 * <ul>
 *   <li>{@link #TRIPLET}: one (anchor, positive, negative) row per negative found;</li>
 *   <li>{@link #N_TUPLE}: (anchor, positive, negative_1..n), only for queries that found all n;</li>
 *   <li>{@link #LABELED_PAIR}: (anchor, positive=document, label 1/0): every positive, then every
 *       negative found;</li>
 *   <li>{@link #LABELED_LIST}: (anchor, [positive, negatives...], labels [1, 0...]), for queries
 *       that found at least one.</li>
 * </ul>
 * Rows repeat per positive of a query (triplet, n-tuple, labeled-list).
 */
public enum OutputFormat {
  TRIPLET("triplet"), N_TUPLE("n-tuple"), LABELED_PAIR("labeled-pair"), LABELED_LIST("labeled-list");

  private final String stName;

  OutputFormat(String stName) {
    this.stName = stName;
  }

  /** The name sentence-transformers uses. */
  public String stName() {
    return stName;
  }

  /**
   * @throws IllegalArgumentException naming the accepted values
   */
  public static OutputFormat parse(String s) {
    String n = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    for (OutputFormat f : values()) {
      if (f.stName.equals(n)) {
        return f;
      }
    }
    throw new IllegalArgumentException("--output-format must be triplet, n-tuple, labeled-pair or labeled-list, got '" + s + "'");
  }
}
