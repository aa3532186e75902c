package dev.negmine.text;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bundled frozen text encoders. Their weights come from the
 * {@code dev.langchain4j:langchain4j-embeddings-*} jars on the class path (ONNX exports of the
 * sentence-transformers models), so they run offline. Thread-safe.
 */
public final class TextEncoders {
  /** The default encoder: the int8-quantised all-MiniLM-L6-v2 (23 MB, 384 dimensions). */
  public static final String DEFAULT = "all-minilm-l6-v2-q";

  private record Entry(String onnx, String tokenizer, OnnxTextEncoder.Pooling pooling, int maxLength) {}

  /**
   * Name -> bundled files. The maximum lengths are sentence-transformers' {@code max_seq_length}
   * (256 word pieces for all-MiniLM-L6-v2, 512 for bge-small-en-v1.5); bge pools the CLS token.
   */
  private static final Map<String, Entry> KNOWN = new LinkedHashMap<>();

  static {
    KNOWN.put("all-minilm-l6-v2", new Entry("all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json",
        OnnxTextEncoder.Pooling.MEAN, 256));
    KNOWN.put("all-minilm-l6-v2-q", new Entry("all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json",
        OnnxTextEncoder.Pooling.MEAN, 256));
    KNOWN.put("bge-small-en-v1.5", new Entry("bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json",
        OnnxTextEncoder.Pooling.CLS, 512));
    KNOWN.put("bge-small-en-v1.5-q", new Entry("bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json",
        OnnxTextEncoder.Pooling.CLS, 512));
  }

  private TextEncoders() {}

  /** The names {@link #create} accepts. */
  public static List<String> names() {
    return List.copyOf(KNOWN.keySet());
  }

  /** Checks {@code name} without loading anything; the message lists the known names. */
  public static String requireKnown(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    if (!KNOWN.containsKey(n)) {
      throw new IllegalArgumentException("unknown text encoder '" + name + "' (expected one of " + String.join(", ", KNOWN.keySet()) + ")");
    }
    return n;
  }

  /**
   * Loads encoder {@code name} (a few seconds: the weights are read and hashed).
   *
   * @param intraOpThreads ONNX Runtime threads inside one batch; {@link EmbeddingCache#encode}
   *     runs batches on its own threads and wants 1
   */
  public static TextEncoder create(String name, int intraOpThreads) {
    String n = requireKnown(name);
    Entry e = KNOWN.get(n);
    return new OnnxTextEncoder(n, resource(e.onnx(), n), resource(e.tokenizer(), n), e.pooling(), e.maxLength(),
        Math.max(1, intraOpThreads), n.endsWith("-q"));
  }

  private static byte[] resource(String file, String encoder) {
    try (InputStream in = TextEncoders.class.getClassLoader().getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("text encoder " + encoder + ": " + file
            + " is not on the class path (the langchain4j-embeddings jar is missing)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("text encoder " + encoder + ": cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
