package dev.negmine.train.negatives;

/**
 * One negative a {@link CandidateSource} chose for an anchor, or a signal that it has none.
 *
 * <p>{@code row} is a row of the step's host embeddings ({@link StepView#x()}: batch rows, then
 * extra items) when {@code constant} is false, else an index into the source's
 * {@link CandidateSource#constants()} (a queue slot).
 *
 * @param row where the negative lives (see above)
 * @param distance L2 distance from the anchor
 * @param constant whether the row is a source constant (no gradient) rather than a step row
 * @param positives the positives this negative pairs with, or null for all of the anchor's batch positives
 * @param keepAllPairs whether a triplet loss keeps every pair (hardest mining), not only those whose
 *     negative lies farther than the positive (the semi-hard band sources)
 */
public record Pick(int row, float distance, boolean constant, Positives positives, boolean keepAllPairs) {
  /** The source cannot serve this slot: it goes to the in-batch source instead. */
  public static final Pick FALLBACK = new Pick(-1, Float.NaN, false, null, false);
  /** The source has no candidate left for this slot: the slot stays empty. */
  public static final Pick NONE = new Pick(-2, Float.NaN, false, null, false);

  /**
   * Explicit positives for a pick: step rows, or (when {@code constant}) indices into the source's
   * constants, with their L2 distances from the anchor.
   */
  public record Positives(int[] rows, float[] distances, boolean constant) {
    public Positives {
      if (rows.length != distances.length) {
        throw new IllegalArgumentException("one distance per positive");
      }
    }
  }

  /** A negative among the step's rows, paired with the anchor's batch positives (semi-hard pairs). */
  public static Pick row(int row, float distance) {
    return new Pick(row, distance, false, null, false);
  }

  /** Whether this is a real negative, not {@link #FALLBACK} or {@link #NONE}. */
  public boolean found() {
    return row >= 0;
  }
}
