package dev.negmine.train.negatives;

/**
 * One negative a {@link CandidateSource} chose for an anchor, or a signal that it has none.
 *
 * <p>{@code row} is a row of the step's host embeddings ({@link StepView#x()}: batch rows, then
 * extra items) when {@code constant} is false, else an index into the source's
 * {@link CandidateSource#constants()} (a queue slot). {@code keyPositives} are, for a constant
 * negative that must be paired with positives of the same age (queue keys), indices into the same
 * constants with their distances to the anchor; null means the anchor's batch positives.
 *
 * @param row where the negative lives (see above)
 * @param distance L2 distance from the anchor
 * @param constant whether the row is a source constant (no gradient) rather than a step row
 * @param keyPositives positives among the source's constants, or null for the batch positives
 * @param keyPositiveDistances their L2 distances from the anchor, aligned with keyPositives
 */
public record Pick(int row, float distance, boolean constant, int[] keyPositives, float[] keyPositiveDistances) {
  /** The source cannot serve this slot: it goes to the in-batch source instead. */
  public static final Pick FALLBACK = new Pick(-1, Float.NaN, false, null, null);
  /** The source has no candidate left for this slot: the slot stays empty. */
  public static final Pick NONE = new Pick(-2, Float.NaN, false, null, null);

  /** A negative among the step's rows, paired with the anchor's batch positives. */
  public static Pick row(int row, float distance) {
    return new Pick(row, distance, false, null, null);
  }

  /** Whether this is a real negative, not {@link #FALLBACK} or {@link #NONE}. */
  public boolean found() {
    return row >= 0;
  }
}
