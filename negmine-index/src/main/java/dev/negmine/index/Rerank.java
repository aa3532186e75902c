package dev.negmine.index;

import dev.negmine.core.linalg.Distance;
import java.util.Arrays;

/** Orders candidate rows by exact score (best first, ties by row) into a TopK slot range. */
final class Rerank {
  private Rerank() {}

  /**
   * Writes the best {@code k} of the {@code m} candidates to {@code idx/sc[offset, offset + k)},
   * padding with -1 / NaN. O(m log m); m is the search beam, a few hundred.
   */
  static void bestFirst(int[] rows, float[] scores, int m, Distance d, int k, int[] idx, float[] sc, int offset) {
    Integer[] order = new Integer[m];
    for (int j = 0; j < m; j++) {
      order[j] = j;
    }
    Arrays.sort(order, (a, b) -> {
      float ka = d.toDistanceLike(scores[a]);
      float kb = d.toDistanceLike(scores[b]);
      int c = Float.compare(ka, kb);
      return c != 0 ? c : Integer.compare(rows[a], rows[b]);
    });
    for (int r = 0; r < k; r++) {
      if (r < m) {
        idx[offset + r] = rows[order[r]];
        sc[offset + r] = scores[order[r]];
      } else {
        idx[offset + r] = -1;
        sc[offset + r] = Float.NaN;
      }
    }
  }
}
