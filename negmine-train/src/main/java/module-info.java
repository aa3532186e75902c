/**
 * negmine train: encoders, losses and the training step on DJL's PyTorch engine, negative sources,
 * curricula and recipes, run directories with checkpoints, and the dynamic-index experiment.
 * Exports its API packages; checkpoint files are internal. Open for reflection because run files
 * are written and read by Gson, which reads the records' fields reflectively.
 */
open module dev.negmine.train {
  requires transitive dev.negmine.core;
  requires transitive dev.negmine.index;
  requires transitive ai.djl.api;
  requires ai.djl.pytorch_engine;
  requires com.google.gson;
  requires com.sun.jna;
  requires java.logging;
  requires java.management;

  exports dev.negmine.train;
  exports dev.negmine.train.augment;
  exports dev.negmine.train.curriculum;
  exports dev.negmine.train.data;
  exports dev.negmine.train.distributed;
  exports dev.negmine.train.dynamic;
  exports dev.negmine.train.engine;
  exports dev.negmine.train.loss;
  exports dev.negmine.train.model;
  exports dev.negmine.train.monitor;
  exports dev.negmine.train.negatives;
  exports dev.negmine.train.run;
  exports dev.negmine.train.sampling;
  exports dev.negmine.train.spec;
  exports dev.negmine.train.step;

  provides dev.negmine.core.model.EmbedderProvider with dev.negmine.train.run.RunEmbedderProvider;
}
