package dev.negmine.train.negatives;

import java.util.SplittableRandom;

/** One anchor's draws from one source within one step: stateful (no repeats), training-thread only. */
@FunctionalInterface
public interface AnchorDraw {
  /**
   * The next negative for this anchor, {@link Pick#FALLBACK} when the slot should go in-batch, or
   * {@link Pick#NONE} when nothing is left. Draws consume {@code rnd} in a fixed order, so a step
   * is a pure function of (seed, step).
   */
  Pick next(SplittableRandom rnd);

  /** A draw that always defers to the in-batch source. */
  AnchorDraw FALLBACK = rnd -> Pick.FALLBACK;
}
