package dev.negmine.train.monitor;

import java.util.Optional;

/**
 * Watches the per-step statistics for collapse: the embeddings crowding together (mean pairwise
 * cosine at or above {@code maxMeanCosine}) or the hardest loss stuck at the margin (within
 * {@code marginTolerance}, which happens when every distance is about equal: d(a,p) = d(a,n)).
 * Either must hold for {@code patience} consecutive steps after {@code warmupSteps}, so a noisy
 * batch or the random start does not raise the alarm. Fires once. Single-threaded.
 */
public final class CollapseDetector {
  private final int warmupSteps;
  private final int patience;
  private final double maxMeanCosine;
  private final double marginTolerance;
  private int streak;
  private boolean fired;

  public CollapseDetector(int warmupSteps, int patience, double maxMeanCosine, double marginTolerance) {
    if (warmupSteps < 0 || patience < 1) {
      throw new IllegalArgumentException("warm-up must be >= 0 and patience >= 1");
    }
    if (!(maxMeanCosine > 0 && maxMeanCosine <= 1) || !(marginTolerance >= 0)) {
      throw new IllegalArgumentException("need 0 < maxMeanCosine <= 1 and marginTolerance >= 0");
    }
    this.warmupSteps = warmupSteps;
    this.patience = patience;
    this.maxMeanCosine = maxMeanCosine;
    this.marginTolerance = marginTolerance;
  }

  /** The defaults: 30 steps of warm-up, 40 steps of patience, cosine 0.9, 2% of the margin. */
  public static CollapseDetector defaults() {
    return new CollapseDetector(30, 40, 0.9, 0.02);
  }

  /**
   * Observes one step; returns a description the first time collapse is confirmed.
   *
   * @param margin the triplet margin in force (0 when the loss has none: only crowding counts)
   */
  public Optional<String> observe(BatchStats s, double margin) {
    if (fired || s.step() < warmupSteps) {
      return Optional.empty();
    }
    boolean crowded = s.figures().meanCosine() >= maxMeanCosine;
    boolean stuck = margin > 0 && Math.abs(s.figures().hardestLoss() - margin) <= marginTolerance * Math.max(margin, 1e-9)
        && s.figures().meanCosine() > 0.5;
    streak = crowded || stuck ? streak + 1 : 0;
    if (streak < patience) {
      return Optional.empty();
    }
    fired = true;
    return Optional.of(String.format(java.util.Locale.ROOT,
        "embeddings collapsed at step %d: mean cosine %.3f, hardest loss %.4f (margin %.3f), effective rank %.2f for %d steps",
        s.step(), s.figures().meanCosine(), s.figures().hardestLoss(), margin, s.figures().effectiveRank(), patience));
  }

  public boolean fired() {
    return fired;
  }
}
