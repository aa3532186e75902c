package dev.negmine.core.mining;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded uniform choice of which rows survive a {@link MinerConfig#maxTriplets()} cap. */
final class Sampling {
  private Sampling() {}

  /**
   * Returns {@code k} distinct values of {@code [0, total)}, ascending, every k-subset equally
   * likely. O(total) time when k is a sizeable fraction of total (selection sampling, Knuth's
   * Algorithm S), else O(k log k) time and O(k) memory (Floyd's algorithm), so a cap of a few
   * thousand rows out of billions costs almost nothing.
   */
  static long[] choose(long total, int k, SplittableRandom rng) {
    if (k < 0 || k > total) {
      throw new IllegalArgumentException("cannot choose " + k + " of " + total);
    }
    long[] out = new long[k];
    if ((long) k * 8 >= total) {
      int m = 0;
      for (long t = 0; t < total && m < k; t++) {
        if ((total - t) * rng.nextDouble() < k - m) {
          out[m++] = t;
        }
      }
      return out;
    }
    LongSet seen = new LongSet(k);
    int m = 0;
    for (long j = total - k; j < total; j++) {
      long t = rng.nextLong(j + 1);
      long pick = seen.add(t) ? t : j;
      if (pick == j) {
        seen.add(j);
      }
      out[m++] = pick;
    }
    Arrays.sort(out);
    return out;
  }

  /** Keeps {@code cap} rows of already materialised triplets chosen uniformly, in their order. */
  static Triplets cap(Triplets t, long cap, SplittableRandom rng) {
    if (cap == 0 || t.size() <= cap) {
      return t;
    }
    long[] keep = choose(t.size(), (int) cap, rng);
    int[] a = new int[keep.length];
    int[] p = new int[keep.length];
    int[] n = new int[keep.length];
    for (int r = 0; r < keep.length; r++) {
      int row = (int) keep[r];
      a[r] = t.anchor(row);
      p[r] = t.positive(row);
      n[r] = t.negative(row);
    }
    return Triplets.of(a, p, n);
  }

  /** Open-addressing set of non-negative longs (Floyd's algorithm needs only add-if-absent). */
  private static final class LongSet {
    private final long[] slots;
    private final int mask;

    LongSet(int expected) {
      int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
      slots = new long[cap];
      Arrays.fill(slots, -1L);
      mask = cap - 1;
    }

    /** Adds v; false when it was already present. */
    boolean add(long v) {
      int h = (int) Seeds.mix(v) & mask;
      while (slots[h] != -1L) {
        if (slots[h] == v) {
          return false;
        }
        h = (h + 1) & mask;
      }
      slots[h] = v;
      return true;
    }
  }
}
