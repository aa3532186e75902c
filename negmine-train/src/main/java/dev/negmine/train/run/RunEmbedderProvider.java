package dev.negmine.train.run;

import dev.negmine.core.model.Embedder;
import dev.negmine.core.model.EmbedderProvider;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads the models of negmine-train's run directories for core's {@code Embedders} (so jobs that
 * only apply a model, such as the Spark miner, need not depend on this module). Stateless.
 */
public final class RunEmbedderProvider implements EmbedderProvider {
  @Override
  public Embedder load(Path run) throws IOException {
    return EmbeddingModel.load(run);
  }
}
