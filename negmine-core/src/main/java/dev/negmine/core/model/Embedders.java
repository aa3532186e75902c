package dev.negmine.core.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.ServiceLoader;

/** Loads a trained model through the {@link EmbedderProvider} on the class or module path. */
public final class Embedders {
  private Embedders() {}

  /**
   * The model of run directory {@code run}, read by the first provider found.
   *
   * @throws IllegalStateException when no provider is on the path (negmine-train is missing)
   * @throws IllegalArgumentException when {@code run} holds no readable model
   */
  public static Embedder load(Path run) throws IOException {
    Iterator<EmbedderProvider> it = ServiceLoader.load(EmbedderProvider.class).iterator();
    if (!it.hasNext()) {
      throw new IllegalStateException("loading a trained model needs negmine-train on the class path");
    }
    return it.next().load(run);
  }
}
