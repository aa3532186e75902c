package dev.negmine.core.mining;

import java.util.Arrays;

/**
 * Mined (anchor, positive, negative) index tuples. Anchors index the query rows of the batch;
 * positives and negatives index the reference rows (the same rows when mining a batch against
 * itself). Immutable; the accessors return the backing arrays, which callers must not modify.
 */
public final class Triplets {
  private static final Triplets EMPTY = new Triplets(new int[0], new int[0], new int[0]);

  private final int[] anchors;
  private final int[] positives;
  private final int[] negatives;

  private Triplets(int[] anchors, int[] positives, int[] negatives) {
    this.anchors = anchors;
    this.positives = positives;
    this.negatives = negatives;
  }

  /** Takes ownership of three equally long arrays. */
  public static Triplets of(int[] anchors, int[] positives, int[] negatives) {
    if (anchors.length != positives.length || anchors.length != negatives.length) {
      throw new IllegalArgumentException("triplet columns differ in length: "
          + anchors.length + ", " + positives.length + ", " + negatives.length);
    }
    return new Triplets(anchors, positives, negatives);
  }

  /** Takes the first {@code size} entries of three arrays that may be longer (growth buffers). */
  public static Triplets of(int[] anchors, int[] positives, int[] negatives, int size) {
    if (size == anchors.length && size == positives.length && size == negatives.length) {
      return of(anchors, positives, negatives);
    }
    return new Triplets(Arrays.copyOf(anchors, size), Arrays.copyOf(positives, size), Arrays.copyOf(negatives, size));
  }

  public static Triplets empty() {
    return EMPTY;
  }

  public int size() {
    return anchors.length;
  }

  public int anchor(int row) {
    return anchors[row];
  }

  public int positive(int row) {
    return positives[row];
  }

  public int negative(int row) {
    return negatives[row];
  }

  public int[] anchors() {
    return anchors;
  }

  public int[] positives() {
    return positives;
  }

  public int[] negatives() {
    return negatives;
  }

  /** Rows as a row-major T x 3 array of int64, the layout of {@code mine-batch --out}. */
  public long[] toRowMajor() {
    long[] out = new long[size() * 3];
    for (int r = 0; r < size(); r++) {
      out[3 * r] = anchors[r];
      out[3 * r + 1] = positives[r];
      out[3 * r + 2] = negatives[r];
    }
    return out;
  }

  /** A copy sorted by (anchor, positive, negative), the order of the reference fixtures. */
  public Triplets sorted() {
    int n = size();
    long[] keys = new long[n];
    // pack (a, p, n) into one long when indices fit in 21 bits each, else fall back to a comparator
    boolean packable = true;
    for (int r = 0; r < n && packable; r++) {
      packable = (anchors[r] | positives[r] | negatives[r]) < (1 << 21);
    }
    if (packable) {
      for (int r = 0; r < n; r++) {
        keys[r] = ((long) anchors[r] << 42) | ((long) positives[r] << 21) | negatives[r];
      }
      Arrays.parallelSort(keys);
      int[] a = new int[n];
      int[] p = new int[n];
      int[] g = new int[n];
      for (int r = 0; r < n; r++) {
        a[r] = (int) (keys[r] >>> 42);
        p[r] = (int) ((keys[r] >>> 21) & ((1 << 21) - 1));
        g[r] = (int) (keys[r] & ((1 << 21) - 1));
      }
      return new Triplets(a, p, g);
    }
    Integer[] order = new Integer[n];
    for (int r = 0; r < n; r++) {
      order[r] = r;
    }
    Arrays.sort(order, (x, y) -> {
      int c = Integer.compare(anchors[x], anchors[y]);
      if (c == 0) {
        c = Integer.compare(positives[x], positives[y]);
      }
      return c != 0 ? c : Integer.compare(negatives[x], negatives[y]);
    });
    int[] a = new int[n];
    int[] p = new int[n];
    int[] g = new int[n];
    for (int r = 0; r < n; r++) {
      a[r] = anchors[order[r]];
      p[r] = positives[order[r]];
      g[r] = negatives[order[r]];
    }
    return new Triplets(a, p, g);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Triplets t && Arrays.equals(anchors, t.anchors)
        && Arrays.equals(positives, t.positives) && Arrays.equals(negatives, t.negatives);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(anchors) + Arrays.hashCode(positives)) + Arrays.hashCode(negatives);
  }

  @Override
  public String toString() {
    return "Triplets[" + size() + "]";
  }
}
