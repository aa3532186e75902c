package dev.negmine.train.loss;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mining.Triplets;

/**
 * A {@link TupleLoss} that can also compute its value and its gradient with respect to the
 * embeddings on the host, from the distance matrix the miner already computed. The trainer then
 * back-propagates that gradient through the encoder ({@code backward(sum(e * G))}) instead of
 * building the loss as a graph of engine operations: one fused pass over the tuples and one
 * O(B^2 d) product replace a dozen engine calls and their backward. Same value and gradient as
 * {@link #compute} up to float rounding (checked in the tests).
 */
public interface HostGradientLoss extends TupleLoss {
  /**
   * @param embeddings B x d embeddings, as the engine holds them
   * @param distances B x B L2 distances between those rows (the miner's score matrix)
   * @param tuples anchor/positive/negative rows; may be empty
   * @param gradient B x d output, row-major; overwritten with d loss / d embeddings
   * @return the loss value
   */
  float lossAndGradient(FloatMatrix embeddings, FloatMatrix distances, Triplets tuples, float[] gradient);
}
