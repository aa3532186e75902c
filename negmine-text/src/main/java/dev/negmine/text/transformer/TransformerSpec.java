package dev.negmine.text.transformer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A pretrained BERT-family sentence encoder as its model card defines it: where its fp32 ONNX
 * weights and tokenizer are on the class path, pooling, maximum length, attention heads (not
 * recoverable from the weights) and the prompts prepended to queries and documents.
 *
 * @param name lower-case name, as the CLI takes it
 * @param onnxResource class-path resource of the fp32 ONNX export
 * @param tokenizerResource class-path resource of the Hugging Face {@code tokenizer.json}
 * @param pooling mean or CLS
 * @param maxLength word pieces kept per text, special tokens included (sentence-transformers'
 *     {@code max_seq_length})
 * @param heads attention heads
 * @param queryPrompt prepended to queries ("" for none)
 * @param documentPrompt prepended to documents ("" for none)
 */
public record TransformerSpec(String name, String onnxResource, String tokenizerResource, Pooling pooling, int maxLength,
    int heads, String queryPrompt, String documentPrompt) {

  /** bge's instruction for short queries that look for passages (from its model card). */
  public static final String BGE_QUERY_INSTRUCTION = "Represent this sentence for searching relevant passages: ";

  private static final Map<String, TransformerSpec> KNOWN = new LinkedHashMap<>();

  static {
    // max lengths: sentence-transformers' max_seq_length of each model (256 and 512 word pieces)
    add(new TransformerSpec("all-minilm-l6-v2", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json",
        Pooling.MEAN, 256, 12, "", ""));
    add(new TransformerSpec("bge-small-en-v1.5", "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json",
        Pooling.CLS, 512, 12, BGE_QUERY_INSTRUCTION, ""));
  }

  public TransformerSpec {
    if (maxLength < 2 || heads < 1) {
      throw new IllegalArgumentException("model " + name + ": maxLength " + maxLength + ", heads " + heads);
    }
  }

  private static void add(TransformerSpec s) {
    KNOWN.put(s.name(), s);
  }

  /** The default trainable encoder. */
  public static final String DEFAULT = "all-minilm-l6-v2";

  /** Names {@link #of} accepts. */
  public static List<String> names() {
    return List.copyOf(KNOWN.keySet());
  }

  /**
   * The spec named {@code name} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the known models if there is none
   */
  public static TransformerSpec of(String name) {
    TransformerSpec s = KNOWN.get(name == null ? "" : name.trim().toLowerCase(Locale.ROOT));
    if (s == null) {
      throw new IllegalArgumentException("unknown trainable text encoder '" + name + "' (expected one of "
          + String.join(", ", KNOWN.keySet()) + ")");
    }
    return s;
  }

  /** The prompt for {@code role}. */
  public String prompt(Role role) {
    return role == Role.QUERY ? queryPrompt : documentPrompt;
  }

  /** This spec with another maximum length (shorter sequences train faster). */
  public TransformerSpec withMaxLength(int length) {
    return new TransformerSpec(name, onnxResource, tokenizerResource, pooling, length, heads, queryPrompt, documentPrompt);
  }
}
