package dev.negmine.core.mining;

import java.util.Arrays;

/**
 * Mined pairs: positive pairs (anchor, positive) and negative pairs (anchor, negative), as
 * pytorch-metric-learning's 4-tuple {@code (a1, p, a2, n)}. Anchors index the query rows, the
 * other members the reference rows. Immutable; accessors return the backing arrays, which callers
 * must not modify.
 */
public final class Pairs {
  private final int[] posAnchors;
  private final int[] positives;
  private final int[] negAnchors;
  private final int[] negatives;

  private Pairs(int[] posAnchors, int[] positives, int[] negAnchors, int[] negatives) {
    this.posAnchors = posAnchors;
    this.positives = positives;
    this.negAnchors = negAnchors;
    this.negatives = negatives;
  }

  /** Takes ownership of the arrays; each anchor array must match its partner in length. */
  public static Pairs of(int[] posAnchors, int[] positives, int[] negAnchors, int[] negatives) {
    if (posAnchors.length != positives.length || negAnchors.length != negatives.length) {
      throw new IllegalArgumentException("pair columns differ in length: positive pairs "
          + posAnchors.length + "/" + positives.length + ", negative pairs " + negAnchors.length + "/" + negatives.length);
    }
    return new Pairs(posAnchors, positives, negAnchors, negatives);
  }

  public int positivePairs() {
    return posAnchors.length;
  }

  public int negativePairs() {
    return negAnchors.length;
  }

  public int[] posAnchors() {
    return posAnchors;
  }

  public int[] positives() {
    return positives;
  }

  public int[] negAnchors() {
    return negAnchors;
  }

  public int[] negatives() {
    return negatives;
  }

  /**
   * Every positive pair joined with every negative pair of the same anchor, as PML's
   * {@code convert_to_triplets}. Row order: positive pairs in their order, and under each the
   * anchor's negative pairs in their order. O(pairs + output).
   *
   * @throws IllegalStateException when the product exceeds one Java array (mine with a cap instead)
   */
  public Triplets toTriplets() {
    int anchors = 0;
    for (int a : posAnchors) {
      anchors = Math.max(anchors, a + 1);
    }
    for (int a : negAnchors) {
      anchors = Math.max(anchors, a + 1);
    }
    // group negative pairs by anchor, stably (a counting sort)
    int[] start = new int[anchors + 1];
    for (int a : negAnchors) {
      start[a + 1]++;
    }
    for (int a = 0; a < anchors; a++) {
      start[a + 1] += start[a];
    }
    int[] grouped = new int[negatives.length];
    int[] fill = Arrays.copyOf(start, anchors);
    for (int r = 0; r < negAnchors.length; r++) {
      grouped[fill[negAnchors[r]]++] = negatives[r];
    }
    long total = 0;
    for (int a : posAnchors) {
      total += start[a + 1] - start[a];
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(total + " triplets exceed one Java array; mine with MinerConfig.maxTriplets");
    }
    int[] ta = new int[(int) total];
    int[] tp = new int[(int) total];
    int[] tn = new int[(int) total];
    int at = 0;
    for (int r = 0; r < posAnchors.length; r++) {
      int a = posAnchors[r];
      int len = start[a + 1] - start[a];
      Arrays.fill(ta, at, at + len, a);
      Arrays.fill(tp, at, at + len, positives[r]);
      System.arraycopy(grouped, start[a], tn, at, len);
      at += len;
    }
    return Triplets.of(ta, tp, tn);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Pairs p && Arrays.equals(posAnchors, p.posAnchors) && Arrays.equals(positives, p.positives)
        && Arrays.equals(negAnchors, p.negAnchors) && Arrays.equals(negatives, p.negatives);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new int[] {Arrays.hashCode(posAnchors), Arrays.hashCode(positives),
        Arrays.hashCode(negAnchors), Arrays.hashCode(negatives)});
  }

  @Override
  public String toString() {
    return "Pairs[" + positivePairs() + " positive, " + negativePairs() + " negative]";
  }
}
