package dev.negmine.text.finetune;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.text.transformer.Role;
import dev.negmine.text.transformer.TransformerEncoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pretrained models' embeddings of a run's fixed texts, kept for the next run in this process:
 * runs that compare arms and seeds on one corpus start from the same frozen model (and guide
 * model), and its corpus pass (2-3 minutes for 7,000 documents on 2 cores) is then paid once.
 * The last {@link #ENTRIES} passes are kept (the trained model's corpus, the guide's corpus and
 * training queries); the key is the model, the role, the length and the texts themselves. Thread-safe.
 */
final class FrozenCorpus {
  /** Passes kept: about 11 MB each for 7,000 texts at 384 dimensions. */
  static final int ENTRIES = 4;

  private record Key(String model, Role role, int maxLength, List<String> texts) {}

  private static final Map<Key, FloatMatrix> CACHE = new LinkedHashMap<>(8, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, FloatMatrix> eldest) {
      return size() > ENTRIES;
    }
  };

  private FrozenCorpus() {}

  /**
   * {@code pretrained}'s document embeddings of {@code texts}; {@code pretrained} must hold the
   * pretrained weights. {@code onPass} runs before a pass that is not cached (progress).
   */
  static FloatMatrix embed(TransformerEncoder pretrained, List<String> texts, int maxLength, Runnable onPass) {
    return embed(pretrained, texts, Role.DOCUMENT, maxLength, onPass);
  }

  /** As {@link #embed(TransformerEncoder, List, int, Runnable)} with {@code role}'s prompt. */
  static synchronized FloatMatrix embed(TransformerEncoder pretrained, List<String> texts, Role role, int maxLength,
      Runnable onPass) {
    Key k = new Key(pretrained.name(), role, maxLength, List.copyOf(texts));
    FloatMatrix v = CACHE.get(k);
    if (v == null) {
      onPass.run();
      v = pretrained.encode(texts, role, maxLength);
      CACHE.put(k, v);
    }
    return v;
  }
}
