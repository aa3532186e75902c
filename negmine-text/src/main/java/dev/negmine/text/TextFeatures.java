package dev.negmine.text;

import dev.negmine.core.data.LabeledData;
import dev.negmine.text.data.TextCorpus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/** Text corpora as frozen-encoder features, the input of a trainable head. */
public final class TextFeatures {
  /** Texts per encoder call. */
  public static final int BATCH = 32;

  private TextFeatures() {}

  /**
   * The corpus embedded by {@code encoder} (through the cache in {@code cacheDir}, null for none)
   * on all available processors.
   */
  public static LabeledData embed(TextCorpus corpus, TextEncoder encoder, Path cacheDir, LongConsumer progress)
      throws IOException {
    EmbeddingCache.Encoded e = EmbeddingCache.encode(encoder, corpus.texts(), cacheDir,
        Runtime.getRuntime().availableProcessors(), BATCH, progress);
    return new LabeledData(e.embeddings(), corpus.labels(), 0, corpus.source() + " embedded by " + encoder.name());
  }
}
