package dev.negmine.train.negatives;

import dev.negmine.core.mixer.MixPlan;
import dev.negmine.core.mixer.NegativeSource;
import dev.negmine.core.linalg.FloatMatrix;
import java.util.LinkedHashMap;

/**
 * A step's plan before its forward pass: the batch rows, the mixer's slot assignment, and the extra
 * training items the sources want embedded (random items, pool candidates, dynamic draws), each
 * registered once in first-come order. Built by {@link NegativeSources#prepare}; the sources add
 * their extras in {@link CandidateSource#prepare}. Training-thread only.
 */
public final class StepRequest {
  private final int[] rows;
  private final long step;
  private final MixPlan mix;
  private final LinkedHashMap<Integer, Integer> extra = new LinkedHashMap<>();
  private int[] extraRows;
  private FloatMatrix detachedExtras;

  StepRequest(int[] rows, long step, MixPlan mix) {
    this.rows = rows;
    this.step = step;
    this.mix = mix;
  }

  public int[] rows() {
    return rows;
  }

  public long step() {
    return step;
  }

  public MixPlan mix() {
    return mix;
  }

  /** Slots of {@code source} the mixer gave anchor {@code a}. */
  public int wanted(int a, NegativeSource source) {
    int n = 0;
    for (int s = 0; s < mix.slots(); s++) {
      n += mix.source(a, s) == source ? 1 : 0;
    }
    return n;
  }

  /** Registers training row {@code row} as an extra item; returns its index among the extras. */
  public int addExtra(int row) {
    if (extraRows != null) {
      throw new IllegalStateException("extras are fixed once the step's forward rows are known");
    }
    return extra.computeIfAbsent(row, k -> extra.size());
  }

  /** The extras as registered (a live view: dynamic draws index it while drawing). */
  LinkedHashMap<Integer, Integer> extraMap() {
    return extra;
  }

  /** Training rows of the extra items, in registration order. */
  public int[] extraRows() {
    if (extraRows == null) {
      extraRows = extra.keySet().stream().mapToInt(Integer::intValue).toArray();
    }
    return extraRows;
  }

  void detach(FloatMatrix embeddings) {
    this.detachedExtras = embeddings;
  }

  /** The extras' embeddings taken without gradients before the step, or null when they are live. */
  public FloatMatrix detachedExtras() {
    return detachedExtras;
  }

  /**
   * Training rows for the forward pass: the batch, then the extra items unless they were embedded,
   * detached, before the step.
   */
  public int[] forwardRows() {
    int[] ex = extraRows();
    if (detachedExtras != null || ex.length == 0) {
      return rows.clone();
    }
    int[] out = java.util.Arrays.copyOf(rows, rows.length + ex.length);
    System.arraycopy(ex, 0, out, rows.length, ex.length);
    return out;
  }
}
