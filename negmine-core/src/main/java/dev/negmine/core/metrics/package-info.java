/**
 * Retrieval metrics over an embedding set in which every item queries all the others
 * ({@link dev.negmine.core.metrics.RetrievalMetrics}), with the definitions of
 * pytorch-metric-learning's {@code AccuracyCalculator}.
 */
package dev.negmine.core.metrics;
