/**
 * negmine core: dense float matrices, similarity kernels, in-batch miners, file formats and
 * retrieval metrics. No deep-learning dependency. Only API packages are exported; the
 * vectorization seam lives in a non-exported internal package.
 */
module dev.negmine.core {
  requires jdk.incubator.vector;
  requires java.logging;

  exports dev.negmine.core.linalg;
  exports dev.negmine.core.mining;
  exports dev.negmine.core.io;
  exports dev.negmine.core.metrics;
}
