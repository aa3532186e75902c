package dev.negmine.train.monitor;

/**
 * What the monitors saw on one training step.
 *
 * @param step global step (0-based)
 * @param epoch epoch of the step
 * @param miner active miner preset
 * @param batchSize items in the batch
 * @param loss the training loss of the step
 * @param figures what {@link BatchMonitor} measured on the batch's embeddings
 */
public record BatchStats(long step, int epoch, String miner, int batchSize, double loss, Figures figures) {

  /**
   * The monitor's figures for one batch.
   *
   * @param hardestLoss mean batch-hard triplet loss over anchors at the phase margin, whatever miner
   *     is active, so runs with different miners compare
   * @param tuples tuples the active miner returned
   * @param activeFraction fraction of those tuples with a non-zero triplet loss (NaN when none)
   * @param meanCosine mean cosine between distinct items of the batch
   * @param effectiveRank exp of the entropy of the normalised singular-value spectrum of the batch
   *     embeddings (1 = all on one line, d = spread evenly)
   */
  public record Figures(double hardestLoss, int tuples, double activeFraction, double meanCosine, double effectiveRank) {}

  public BatchStats {
    java.util.Objects.requireNonNull(figures, "figures");
  }

  /** The same statistics with the step's training loss set. */
  public BatchStats withLoss(double value) {
    return new BatchStats(step, epoch, miner, batchSize, value, figures);
  }
}
