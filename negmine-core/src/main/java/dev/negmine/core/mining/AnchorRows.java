package dev.negmine.core.mining;

/**
 * The rows one anchor contributes, in their canonical order, without materialising them: for its
 * j-th positive, the negatives {@code negatives[lo[j]] .. negatives[hi[j] - 1]}. The negatives
 * array is shared by all positives of the anchor (for band miners it is the anchor's negatives
 * sorted by distance, so a band is a contiguous range), which is what lets a miner count its rows
 * before deciding which to emit.
 */
final class AnchorRows {
  final int[] positives;
  final int[] negatives;
  final int[] lo;
  final int[] hi;
  /** {@code prefix[j]} rows come before positive j; {@code prefix[positives.length]} is the total. */
  final long[] prefix;

  AnchorRows(int[] positives, int[] negatives, int[] lo, int[] hi) {
    this.positives = positives;
    this.negatives = negatives;
    this.lo = lo;
    this.hi = hi;
    this.prefix = new long[positives.length + 1];
    for (int j = 0; j < positives.length; j++) {
      prefix[j + 1] = prefix[j] + (hi[j] - lo[j]);
    }
  }

  /** Every positive paired with every negative, both in the given order. */
  static AnchorRows product(int[] positives, int[] negatives) {
    int[] lo = new int[positives.length];
    int[] hi = new int[positives.length];
    java.util.Arrays.fill(hi, negatives.length);
    return new AnchorRows(positives, negatives, lo, hi);
  }

  long count() {
    return prefix[positives.length];
  }
}
