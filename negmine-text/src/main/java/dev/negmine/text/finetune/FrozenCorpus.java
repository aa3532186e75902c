package dev.negmine.text.finetune;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.text.transformer.Role;
import dev.negmine.text.transformer.TransformerEncoder;
import java.util.List;

/**
 * The pretrained model's corpus embedding, kept for the next run in this process: runs that
 * compare arms and seeds on one corpus start from the same frozen model, and its corpus pass (2-3
 * minutes for 7,000 documents on 2 cores) is then paid once. One entry (the last corpus); the key
 * is the model, the length and the texts themselves. Thread-safe.
 */
final class FrozenCorpus {
  private record Key(String model, int maxLength, List<String> texts) {}

  private static Key key;
  private static FloatMatrix value;

  private FrozenCorpus() {}

  /**
   * {@code pretrained}'s document embeddings of {@code texts}; {@code pretrained} must hold the
   * pretrained weights. {@code onPass} runs before a pass that is not cached (progress).
   */
  static synchronized FloatMatrix embed(TransformerEncoder pretrained, List<String> texts, int maxLength, Runnable onPass) {
    Key k = new Key(pretrained.name(), maxLength, List.copyOf(texts));
    if (!k.equals(key)) {
      onPass.run();
      value = pretrained.encode(texts, Role.DOCUMENT, maxLength);
      key = k;
    }
    return value;
  }
}
