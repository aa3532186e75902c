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
}
