package dev.negmine.text.export;

import dev.negmine.core.io.AtomicFiles;
import dev.negmine.text.transformer.BertWeights;
import dev.negmine.text.transformer.Pooling;
import dev.negmine.text.transformer.TransformerEncoder;
import dev.negmine.text.transformer.TransformerSpec;
import dev.negmine.text.weights.Safetensors;
import dev.negmine.text.weights.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Hands a (fine-tuned) encoder to other tools.
 * <ul>
 *   <li>{@link #onnx}: the original ONNX graph with the current weights written back into its
 *       initializers (Linear weights transposed back to the export's {@code [in, out]}), so
 *       ONNX Runtime and langchain4j's {@code OnnxEmbeddingModel} load it as they load the
 *       original (same inputs, output {@code last_hidden_state}; pooling stays the caller's, as
 *       with the original file).
 *   <li>{@link #huggingFace}: a sentence-transformers model directory: {@code model.safetensors}
 *       under Hugging Face BERT names, {@code config.json}, {@code tokenizer.json}, and the
 *       sentence-transformers module files (pooling, normalisation, maximum length, prompts).
 * </ul>
 * Files are written atomically. Reads the encoder's weights: not while it trains.
 */
public final class ModelExport {
  private ModelExport() {}

  /** Writes the encoder as ONNX to {@code file}. */
  public static void onnx(TransformerEncoder enc, Path file) throws IOException {
    Map<String, BertWeights.OnnxSlot> slots = enc.onnxSlots();
    Map<String, float[]> values = new HashMap<>();
    for (Tensor t : enc.weights()) {
      BertWeights.OnnxSlot slot = slots.get(t.name());
      if (slot == null) {
        throw new IllegalStateException("parameter " + t.name() + " has no place in the source ONNX graph");
      }
      values.put(slot.initializer(), slot.transposed() ? t.transposed(slot.initializer()).data() : t.data());
    }
    AtomicFiles.writeBytes(file, enc.sourceOnnx().withFloats(values));
  }

  /** Writes a sentence-transformers / Hugging Face model directory {@code dir} (created if needed). */
  public static void huggingFace(TransformerEncoder enc, Path dir) throws IOException {
    Files.createDirectories(dir.resolve("1_Pooling"));
    Files.createDirectories(dir.resolve("2_Normalize"));
    TransformerSpec spec = enc.spec();
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.put("negmine.model", spec.name());
    Safetensors.write(dir.resolve("model.safetensors"), enc.weights(), meta);
    AtomicFiles.writeString(dir.resolve("config.json"), enc.config().toHuggingFaceJson());
    AtomicFiles.writeBytes(dir.resolve("tokenizer.json"), enc.tokenizerJson());
    AtomicFiles.writeString(dir.resolve("tokenizer_config.json"), String.format(Locale.ROOT,
        "{\n  \"tokenizer_class\": \"BertTokenizer\",\n  \"do_lower_case\": true,\n  \"model_max_length\": %d,\n"
            + "  \"cls_token\": \"[CLS]\",\n  \"sep_token\": \"[SEP]\",\n  \"pad_token\": \"[PAD]\",\n  \"unk_token\": \"[UNK]\",\n"
            + "  \"mask_token\": \"[MASK]\"\n}\n", spec.maxLength()));
    AtomicFiles.writeString(dir.resolve("special_tokens_map.json"),
        "{\"cls_token\": \"[CLS]\", \"sep_token\": \"[SEP]\", \"pad_token\": \"[PAD]\", \"unk_token\": \"[UNK]\", \"mask_token\": \"[MASK]\"}\n");
    AtomicFiles.writeString(dir.resolve("sentence_bert_config.json"),
        "{\"max_seq_length\": " + spec.maxLength() + ", \"do_lower_case\": false}\n");
    AtomicFiles.writeString(dir.resolve("modules.json"), """
        [
          {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
          {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
          {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}
        ]
        """);
    boolean cls = spec.pooling() == Pooling.CLS;
    AtomicFiles.writeString(dir.resolve("1_Pooling").resolve("config.json"), String.format(Locale.ROOT,
        "{\"word_embedding_dimension\": %d, \"pooling_mode_cls_token\": %b, \"pooling_mode_mean_tokens\": %b, "
            + "\"pooling_mode_max_tokens\": false, \"pooling_mode_mean_sqrt_len_tokens\": false}\n",
        enc.config().hidden(), cls, !cls));
    AtomicFiles.writeString(dir.resolve("2_Normalize").resolve(".keep"), "");
    AtomicFiles.writeString(dir.resolve("config_sentence_transformers.json"),
        "{\"prompts\": {\"query\": " + dev.negmine.core.io.Json.write(spec.queryPrompt()) + ", \"document\": "
            + dev.negmine.core.io.Json.write(spec.documentPrompt()) + "}, \"default_prompt_name\": null, \"similarity_fn_name\": \"cosine\"}\n");
  }

  /** Names of the files {@link #huggingFace} writes, relative to its directory. */
  public static List<String> huggingFaceFiles() {
    return List.of("model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
        "sentence_bert_config.json", "modules.json", "1_Pooling/config.json", "config_sentence_transformers.json");
  }
}
