package dev.negmine.index.dynamic;

/**
 * Result of one tree query: ids and scores best first, and how many targets were scored (one dot
 * product each), the cost measure comparable with a brute-force scan of {@code size()} targets.
 */
public record Neighbors(int[] ids, float[] scores, int scored) {
  public Neighbors {
    if (ids.length != scores.length) {
      throw new IllegalArgumentException(ids.length + " ids but " + scores.length + " scores");
    }
    if (scored < 0) {
      throw new IllegalArgumentException("scored must be >= 0, got " + scored);
    }
  }
}
