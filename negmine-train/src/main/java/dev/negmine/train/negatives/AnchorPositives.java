package dev.negmine.train.negatives;

/**
 * An anchor's positives in the batch (same label, another item id) and the semi-hard band they
 * span: a negative is preferred when {@code lower < d(a,n) < upper}, where lower is the nearest
 * positive's distance and upper the farthest positive's distance plus the margin
 * ({@link dev.negmine.core.mining.BandPolicy}'s {@code semihard-band} edges ZERO and MARGIN, taken
 * over all of the anchor's positives at once rather than per pair).
 *
 * @param rows batch rows of the positives
 * @param lower the band's lower edge (exclusive): min over positives of d(a,p)
 * @param upper the band's upper edge (exclusive): max over positives of d(a,p) + margin
 * @param bestSimilarity the nearest positive's cosine similarity (unit rows), for statistics
 */
public record AnchorPositives(int[] rows, float lower, float upper, float bestSimilarity) {
  public boolean isEmpty() {
    return rows.length == 0;
  }

  /** Whether distance {@code d} lies inside the band. */
  public boolean inBand(float d) {
    return d > lower && d < upper;
  }
}
