package dev.negmine.core.model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Loads trained models; found through {@link java.util.ServiceLoader} (negmine-train provides the
 * one that reads its run directories). Implementations are stateless and thread-safe.
 */
public interface EmbedderProvider {
  /**
   * The model of run directory {@code run} (or its {@code model/} directory itself).
   *
   * @throws IllegalArgumentException when {@code run} holds no model this provider can read
   */
  Embedder load(Path run) throws IOException;
}
