package dev.negmine.train.loss;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mixer.NegativeSource;

/**
 * A step's negatives as loss input, whatever source they came from. Rows are numbered over one
 * table: rows {@code [0, liveRows)} are on the graph (the batch, then extra items embedded in the
 * forward pass), rows from {@code liveRows} on are {@code constants} (detached extras, queue keys,
 * synthetic vectors: no gradient). Anchors are batch rows {@code [0, batch)}.
 *
 * <p>Negative {@code k} belongs to anchor {@code negAnchor[k]}, lives at row {@code negRow[k]} and
 * came from {@code negSource[k]} (synthetic vectors count as in-batch). Each of the {@link Pairs}
 * joins a negative to a positive row of the same anchor. Pairs are in the order the sources
 * picked: per anchor, per slot, per positive.
 *
 * @param batch anchors (batch rows)
 * @param liveRows rows on the graph
 * @param constants rows after the live ones (may have zero rows)
 * @param negAnchor per negative, its anchor
 * @param negRow per negative, its row
 * @param negSource per negative, the source it came from
 * @param pairs the (positive, negative) pairs
 */
public record StepTuples(int batch, int liveRows, FloatMatrix constants, int[] negAnchor, int[] negRow,
    NegativeSource[] negSource, Pairs pairs) {
  /**
   * Pair {@code t} joins negative {@code negative[t]} (an index into the negatives) to the row
   * {@code positive[t]}; {@code kept[t]} says whether a triplet loss keeps the pair: the negative
   * lies farther than that positive on the host (semi-hard band sources), or its source keeps every
   * pair (hardest mining).
   */
  public record Pairs(int[] positive, int[] negative, boolean[] kept) {
    public Pairs {
      if (positive.length != negative.length || kept.length != positive.length) {
        throw new IllegalArgumentException("misaligned pair arrays");
      }
    }

    public int size() {
      return positive.length;
    }
  }

  public StepTuples {
    if (negAnchor.length != negRow.length || negSource.length != negRow.length) {
      throw new IllegalArgumentException("misaligned negative arrays");
    }
    if (batch > liveRows) {
      throw new IllegalArgumentException("the batch (" + batch + ") must be among the live rows (" + liveRows + ")");
    }
  }

  /** Pair {@code t}'s positive row (shorthand for {@code pairs().positive()}). */
  public int[] termPositive() {
    return pairs.positive();
  }

  /** Pair {@code t}'s negative index (shorthand for {@code pairs().negative()}). */
  public int[] termNegative() {
    return pairs.negative();
  }

  /** The pairs a triplet loss keeps ({@link Pairs#kept()}), in order: {positive rows, negative indices}. */
  public int[][] keptTerms() {
    boolean[] kept = pairs.kept();
    int n = 0;
    for (boolean c : kept) {
      n += c ? 1 : 0;
    }
    int[] p = new int[n];
    int[] q = new int[n];
    int k = 0;
    for (int t = 0; t < kept.length; t++) {
      if (kept[t]) {
        p[k] = pairs.positive()[t];
        q[k++] = pairs.negative()[t];
      }
    }
    return new int[][] {p, q};
  }
}
