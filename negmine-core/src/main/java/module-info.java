/**
 * negmine core: dense float matrices, similarity kernels, in-batch miners, memory queue, pools,
 * file formats, retrieval metrics, and the contracts the other modules meet on without a
 * deep-learning dependency: labelled data, trained models ({@code Embedder}, loaded through a
 * provider negmine-train supplies) and collectives (whose multi-process transport negmine-mpi
 * supplies). Only API packages are exported; the vectorization seam lives in a non-exported
 * internal package.
 */
module dev.negmine.core {
  requires jdk.incubator.vector;
  requires java.logging;

  exports dev.negmine.core.data;
  exports dev.negmine.core.distributed;
  exports dev.negmine.core.io;
  exports dev.negmine.core.linalg;
  exports dev.negmine.core.metrics;
  exports dev.negmine.core.mining;
  exports dev.negmine.core.mixer;
  exports dev.negmine.core.model;
  exports dev.negmine.core.pool;
  exports dev.negmine.core.queue;

  uses dev.negmine.core.distributed.CollectiveProvider;
  uses dev.negmine.core.model.EmbedderProvider;
}
