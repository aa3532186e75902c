package dev.negmine.train.step;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mining.Triplets;

/**
 * What a step feeds the encoder and the loss, built by {@link StepViews}.
 *
 * @param x preprocessed features of every forward row (the batch first)
 * @param batch rows that are anchors (mined, monitored); the rest are views or source extras
 * @param batchLabels the data's label per anchor row (mining and the monitor)
 * @param lossLabels label per row for losses that build their own pairs (SimCLR: the item position)
 * @param pairs the loss's fixed pairs (SimCLR's view pairs), or null when the miner decides
 * @param rowLabels the data's label per forward row (replicas check that they agree)
 * @param rowIds item id per forward row
 */
public record StepInput(FloatMatrix x, int batch, long[] batchLabels, long[] lossLabels, Triplets pairs,
    long[] rowLabels, long[] rowIds) {
  /** Input whose pairs the miner decides: the loss reads the data's labels. */
  public static StepInput mined(FloatMatrix x, int batch, long[] batchLabels, long[] rowLabels, long[] rowIds) {
    return new StepInput(x, batch, batchLabels, batchLabels, null, rowLabels, rowIds);
  }

  /** Whether the pairs are fixed by the views (self-supervised) rather than mined. */
  public boolean selfSupervised() {
    return pairs != null;
  }
}
