package dev.negmine.index;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * False-negative filters for offline mining, as sentence-transformers' {@code mine_hard_negatives}
 * defines them on similarity scores: a candidate is kept only if it has another label (when
 * {@code excludeSameLabel}), another id (when {@code excludeSameId}; the anchor's own row is always
 * excluded), a score at most {@code maxScore}, and, against the anchor's positive score {@code
 * pos}, {@code neg < pos - margin} (absolute) or {@code neg < pos * (1 - margin)} (relative).
 *
 * @param maxScore upper bound on a candidate's similarity, NaN for none
 * @param margin the margin value, NaN for none
 * @param relativeMargin true for a relative margin, false for an absolute one
 */
public record NegativeFilters(boolean excludeSameLabel, boolean excludeSameId, double maxScore, double margin,
    boolean relativeMargin) {
  public NegativeFilters {
    if (!Double.isNaN(margin) && !(margin >= 0 && (!relativeMargin || margin <= 1))) {
      throw new IllegalArgumentException("margin must be >= 0 (relative: in [0, 1]), got " + margin);
    }
    if (!Double.isNaN(maxScore) && Double.isInfinite(maxScore)) {
      throw new IllegalArgumentException("maxScore must be finite, got " + maxScore);
    }
  }

  /** Same label and same id excluded, no score filters. */
  public static NegativeFilters defaults() {
    return new NegativeFilters(true, true, Double.NaN, Double.NaN, false);
  }

  public boolean scoreFilters() {
    return !Double.isNaN(maxScore) || !Double.isNaN(margin);
  }

  /** True when a candidate with similarity {@code neg} passes the score filters given the positive's {@code pos}. */
  public boolean passesScores(float neg, float pos) {
    if (!Double.isNaN(maxScore) && neg > maxScore) {
      return false;
    }
    if (!Double.isNaN(margin)) {
      if (Float.isNaN(pos)) {
        return false;
      }
      return relativeMargin ? neg < pos * (1 - margin) : neg < pos - margin;
    }
    return true;
  }

  /** For the manifest. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("exclude_same_label", excludeSameLabel);
    m.put("exclude_same_id", excludeSameId);
    m.put("max_score", Double.isNaN(maxScore) ? "none" : maxScore);
    m.put("margin", Double.isNaN(margin) ? "none" : margin);
    m.put("margin_kind", Double.isNaN(margin) ? "none" : relativeMargin ? "relative" : "absolute");
    return m;
  }
}
