package dev.negmine.text;

import dev.negmine.core.linalg.FloatMatrix;
import java.util.List;

/**
 * A frozen sentence encoder: texts in, L2-normalised embeddings out, one row per text in order.
 * Implementations are thread-safe: {@link #encode} may be called from several threads at once.
 */
public interface TextEncoder extends AutoCloseable {
  /** The name it was created by (for messages and provenance only; never a cache key). */
  String name();

  /** Embedding dimension. */
  int dimension();

  /**
   * SHA-256 (hex) over everything that decides the output: the ONNX weights, the tokenizer
   * definition, the pooling mode and the maximum sequence length. Two encoders with equal
   * fingerprints return equal embeddings for equal texts; the embedding cache is keyed by it.
   */
  String fingerprint();

  /** Embeddings of {@code texts}, one row each, in order. Texts must be non-empty. */
  FloatMatrix encode(List<String> texts);

  @Override
  void close();
}
