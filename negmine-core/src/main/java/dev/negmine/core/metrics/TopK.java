package dev.negmine.core.metrics;

import java.util.Arrays;

/**
 * The {@code capacity} smallest keys offered. Not thread-safe: one query's selector is fed by one
 * thread at a time.
 *
 * <p>A key packs a distance-like score (smaller is closer) and an item index so that one signed
 * {@code long} comparison orders by score, then by index: ties go to the lowest index. The score's
 * IEEE bits are mapped to an order-preserving int ({@link #key}); {@code -0.0f} must be folded into
 * {@code +0.0f} by the caller (adding {@code 0.0f} does it) so that equal scores tie. Keys offered
 * to one selector must be distinct (they are: each index is offered once).
 *
 * <p>Why not a heap: a query keeps up to R ≈ N / classes keys (6000 for Fashion-MNIST's 60k), and
 * a bounded heap pays ~log K unpredictable branches per accepted key, which profiling showed to
 * cost as much as a d = 4 similarity. Instead accepted keys are appended to a buffer of 2K and,
 * when it fills, a quickselect keeps the K smallest and lowers the acceptance threshold to the
 * K-th: O(1) amortised per accepted key, and rejections cost one comparison.
 */
final class TopK {
  private final int capacity;
  private long[] buf;
  private int size;
  /** Keys at or above this cannot be among the K smallest. */
  private long threshold = Long.MAX_VALUE;

  TopK(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity);
    }
    this.capacity = capacity;
    this.buf = new long[(int) Math.min(2L * capacity, 64)];
  }

  static long key(float distanceLike, int index) {
    int bits = Float.floatToRawIntBits(distanceLike);
    bits ^= (bits >> 31) & 0x7fffffff;
    return ((long) bits << 32) | (index & 0xffffffffL);
  }

  static int index(long key) {
    return (int) key;
  }

  void offer(long key) {
    if (key >= threshold) {
      return;
    }
    if (size == buf.length) {
      if (size >= 2 * capacity) {
        compact();
        if (key >= threshold) {
          return;
        }
      } else {
        buf = Arrays.copyOf(buf, (int) Math.min(2L * capacity, 2L * buf.length));
      }
    }
    buf[size++] = key;
  }

  /** Keeps the {@code capacity} smallest keys and sets the threshold to the largest of them. */
  private void compact() {
    select(buf, 0, size - 1, capacity - 1);
    size = capacity;
    threshold = buf[capacity - 1];
  }

  /** The kept keys in ascending order (closest first). Ends this selector's use. */
  long[] drainSorted() {
    Arrays.sort(buf, 0, size);
    long[] out = Arrays.copyOf(buf, Math.min(size, capacity));
    buf = null;
    return out;
  }

  /**
   * Rearranges {@code a[lo..hi]} so that {@code a[k]} holds the value it would hold if sorted, with
   * smaller values before it and larger after (Hoare partition, median-of-three pivot; keys are
   * distinct, so there are no equal-key degeneracies).
   */
  static void select(long[] a, int lo, int hi, int k) {
    while (hi > lo) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < a[lo]) {
        swap(a, mid, lo);
      }
      if (a[hi] < a[lo]) {
        swap(a, hi, lo);
      }
      if (a[hi] < a[mid]) {
        swap(a, hi, mid);
      }
      long pivot = a[mid];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          swap(a, i, j);
          i++;
          j--;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return;
      }
    }
  }

  private static void swap(long[] a, int i, int j) {
    long t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
