package dev.negmine.train.step;

import ai.djl.ndarray.NDArray;
import dev.negmine.core.linalg.FloatMatrix;

/**
 * A step's embeddings after the forward pass.
 *
 * @param host every forward row's embedding, in the step's (global) row order
 * @param graph the same rows as the engine array the loss is taken on: the encoder's output
 *     (one process) or a leaf copy of {@code host} whose gradient is then pushed through each
 *     replica's share of the rows (data parallel)
 */
public record Encoded(FloatMatrix host, NDArray graph) {}
