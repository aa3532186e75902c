/**
 * negmine index: approximate and exact nearest-neighbour search behind {@link
 * dev.negmine.index.VectorIndex} (exact through the core's SIMD kernels, HNSW through Lucene), and
 * offline mining of candidate pools. Implementations are package-private.
 */
module dev.negmine.index {
  requires transitive dev.negmine.core;
  requires org.apache.lucene.core;
  requires java.logging;

  exports dev.negmine.index;
  exports dev.negmine.index.dynamic;
}
