package dev.negmine.text.finetune;

import dev.negmine.text.retrieval.IrMetrics;

/** What a fine-tuning run tells its caller while it runs (progress bars, logs). Called on the training thread. */
public interface FineTuneListener {
  /** A phase that takes a while and has no steps (embedding the corpus, mining). */
  default void onPhase(String what) {}

  /** Training starts at {@code step} of {@code total}. */
  default void onStart(long step, long total) {}

  /** After each optimizer step. */
  default void onStep(StepRecord record, long total) {}

  /** A validation result ({@code epoch} 0 = the frozen model). */
  default void onEval(int epoch, long step, IrMetrics.Result dev) {}

  default void onMessage(String message) {}

  /**
   * One step's figures, as metrics.jsonl keeps them.
   *
   * @param guideMasked (query, column) pairs the guide model masked in the step, or null (no guide; absent from the line)
   */
  record StepRecord(long step, int epoch, double loss, double learningRate, double gradNorm, long tokens, double seconds,
      MaskCounts guideMasked) {
    /** A step without a guide model. */
    public StepRecord(long step, int epoch, double loss, double learningRate, double gradNorm, long tokens, double seconds) {
      this(step, epoch, loss, learningRate, gradNorm, tokens, seconds, null);
    }

    public String toJson() {
      String line = String.format(java.util.Locale.ROOT,
          "{\"step\": %d, \"epoch\": %d, \"loss\": %.6f, \"lr\": %.4e, \"grad_norm\": %.4f, \"tokens\": %d, \"seconds\": %.3f",
          step, epoch, loss, learningRate, gradNorm, tokens, seconds);
      return guideMasked == null ? line + "}"
          : line + ", \"guide_masked_in_batch\": " + guideMasked.inBatch() + ", \"guide_masked_hard\": " + guideMasked.hard() + "}";
    }
  }

  /**
   * Masked (query, column) pairs of one step: {@code inBatch} among other queries' positives
   * (columns {@code < B}), {@code hard} among the hard negatives (columns {@code >= B}).
   */
  record MaskCounts(int inBatch, int hard) {}
}
