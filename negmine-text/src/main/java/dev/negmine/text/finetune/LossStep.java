package dev.negmine.text.finetune;

import dev.negmine.text.transformer.TransformerEncoder;

/**
 * How a step turns a {@link StepBatch} into gradients on the encoder's trainable parameters: the
 * forward passes, the ranking loss and the backward pass. After {@link #run} each trainable
 * parameter's gradient holds d(loss)/d(parameter) for this batch (the optimizer reads and applies
 * it). Implementations differ in memory and compute, not in the loss they differentiate.
 * Single-threaded; one instance per run.
 */
interface LossStep {
  /**
   * @param loss the step's loss value
   * @param tokens word pieces the encoder read in the forward passes that built the graph
   * @param docEmbeddings the live documents' embeddings as the loss saw them, row-major
   *     {@code C x d} in column order (what a cross-batch queue keeps)
   */
  record Result(double loss, long tokens, float[] docEmbeddings) {}

  Result run(TransformerEncoder encoder, StepBatch batch);

  /** Texts per forward of a data-parallel step without {@code --cache-batch}. */
  int DATA_PARALLEL_CACHE_BATCH = 32;

  /**
   * How a run with {@code config} computes a step's gradient as one rank of {@code collective}:
   * gradient-cached when the loss says so, else in one graph; several ranks always go through
   * gradient caching (the gather of embeddings is where the ranks meet), with
   * {@link #DATA_PARALLEL_CACHE_BATCH} texts per forward unless {@code --cache-batch} says.
   */
  static LossStep of(FineTuneConfig config, dev.negmine.core.distributed.Collective collective) {
    if (collective.worldSize() > 1 && config.loss().cacheBatch() == 0) {
      FineTuneConfig.Loss l = config.loss();
      config = new FineTuneConfig(config.model(), config.data(), config.batch(), config.maxLength(), config.seed(),
          config.schedule(), new FineTuneConfig.Loss(l.scale(), l.symmetric(), l.kind(), l.inLossMargin(), l.guide(),
              DATA_PARALLEL_CACHE_BATCH), config.negatives());
    }
    return config.loss().cacheBatch() > 0 ? new CachedLossStep(config, collective, DropoutMode.ON) : new DirectLossStep(config);
  }
}
