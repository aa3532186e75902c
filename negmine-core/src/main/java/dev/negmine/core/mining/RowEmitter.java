package dev.negmine.core.mining;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Turns per-anchor row descriptions into {@link Triplets}: counts first, then either writes every
 * row (no cap, or the cap is not reached) or draws which global row numbers to keep and writes only
 * those, so a capped call never holds the uncapped rows. Output order is anchor ascending, then
 * each anchor's canonical order; a capped result is a subsequence of the uncapped one. Anchors are
 * written in parallel into disjoint slices, so the result does not depend on threads.
 */
final class RowEmitter {
  private static final long MAX_ROWS = Integer.MAX_VALUE - 8;

  private RowEmitter() {}

  /**
   * @param rows one entry per anchor (null = no rows)
   * @param cap {@link MinerConfig#maxTriplets()}, 0 = no cap
   * @param rng consulted only when the cap binds
   */
  static Triplets emit(AnchorRows[] rows, long cap, SplittableRandom rng, int refs) {
    int q = rows.length;
    long[] start = new long[q + 1];
    for (int i = 0; i < q; i++) {
      start[i + 1] = start[i] + (rows[i] == null ? 0 : rows[i].count());
    }
    long total = start[q];
    if (total == 0) {
      return Triplets.empty();
    }
    if (cap == 0 || total <= cap) {
      if (total > MAX_ROWS) {
        throw new IllegalStateException("the miner selected " + total
            + " triplets, more than one Java array holds; set MinerConfig.maxTriplets to subsample");
      }
      return writeAll(rows, start, (int) total, refs);
    }
    if (cap > MAX_ROWS) {
      throw new IllegalStateException("maxTriplets " + cap + " exceeds what one Java array holds");
    }
    return writeChosen(rows, start, Sampling.choose(total, (int) cap, rng), refs);
  }

  private static Triplets writeAll(AnchorRows[] rows, long[] start, int total, int refs) {
    int[] a = new int[total];
    int[] p = new int[total];
    int[] n = new int[total];
    Parallel.forEachAnchor(rows.length, refs, i -> {
      AnchorRows r = rows[i];
      if (r == null) {
        return;
      }
      int at = (int) start[i];
      Arrays.fill(a, at, (int) start[i + 1], i);
      for (int j = 0; j < r.positives.length; j++) {
        int len = r.hi[j] - r.lo[j];
        if (len > 0) {
          Arrays.fill(p, at, at + len, r.positives[j]);
          System.arraycopy(r.negatives, r.lo[j], n, at, len);
          at += len;
        }
      }
    });
    return Triplets.of(a, p, n);
  }

  private static Triplets writeChosen(AnchorRows[] rows, long[] start, long[] chosen, int refs) {
    int k = chosen.length;
    int[] a = new int[k];
    int[] p = new int[k];
    int[] n = new int[k];
    Parallel.forEachAnchor(rows.length, refs, i -> {
      AnchorRows r = rows[i];
      if (r == null) {
        return;
      }
      int from = lowerBound(chosen, start[i]);
      int to = lowerBound(chosen, start[i + 1]);
      int j = 0;
      // chosen rows ascend, so the positive they fall under only moves forward
      for (int c = from; c < to; c++) {
        long local = chosen[c] - start[i];
        while (r.prefix[j + 1] <= local) {
          j++;
        }
        a[c] = i;
        p[c] = r.positives[j];
        n[c] = r.negatives[r.lo[j] + (int) (local - r.prefix[j])];
      }
    });
    return Triplets.of(a, p, n);
  }

  /** First index whose value is >= key. */
  private static int lowerBound(long[] sorted, long key) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
