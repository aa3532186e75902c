package dev.negmine.text.transformer;

import dev.negmine.text.weights.OnnxModel;
import dev.negmine.text.weights.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT weights under their Hugging Face names ({@code embeddings.word_embeddings.weight},
 * {@code encoder.layer.0.attention.self.query.weight}, ...), Linear weights as {@code [out, in]}
 * as {@code torch.nn.Linear} keeps them, together with where each one lives in the ONNX file it
 * came from. A torch ONNX export keeps the names of embeddings, biases and LayerNorm parameters,
 * but stores each Linear weight transposed ({@code [in, out]}) under a generated name
 * ({@code onnx::MatMul_787}); its MatMul node's name ({@code /encoder/layer.0/attention/self/query/MatMul})
 * says which Linear it is. Immutable; thread-safe.
 */
public final class BertWeights {
  /** Where a Hugging Face parameter is stored in the ONNX file. */
  public record OnnxSlot(String initializer, boolean transposed) {}

  private final BertConfig config;
  private final Map<String, Tensor> tensors;
  private final Map<String, OnnxSlot> slots;

  private BertWeights(BertConfig config, Map<String, Tensor> tensors, Map<String, OnnxSlot> slots) {
    this.config = config;
    this.tensors = tensors;
    this.slots = slots;
  }

  /**
   * Reads the weights of a torch-exported BERT ONNX graph.
   *
   * @param heads attention heads (an ONNX graph holds them only as reshape constants)
   * @throws IllegalArgumentException naming the missing parameter if the graph is not a BERT encoder
   */
  public static BertWeights fromOnnx(OnnxModel model, int heads, String source) {
    Map<String, OnnxSlot> slots = new HashMap<>();
    for (String name : model.initializers().keySet()) {
      if ((name.startsWith("embeddings.") || name.startsWith("encoder.")) && !name.equals("embeddings.position_ids")) {
        slots.put(name, new OnnxSlot(name, false));
      }
    }
    for (OnnxModel.Node n : model.nodes()) {
      if (n.op().equals("MatMul") && n.inputs().size() == 2 && model.initializers().containsKey(n.inputs().get(1))
          && n.name().endsWith("/MatMul")) {
        String path = n.name().substring(n.name().startsWith("/") ? 1 : 0, n.name().length() - "/MatMul".length());
        slots.put(path.replace('/', '.') + ".weight", new OnnxSlot(n.inputs().get(1), true));
      }
    }
    int layers = 0;
    while (slots.containsKey("encoder.layer." + layers + ".attention.self.query.weight")) {
      layers++;
    }
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (String hf : names(layers)) {
      OnnxSlot slot = slots.get(hf);
      if (slot == null) {
        throw new IllegalArgumentException(source + ": not a BERT encoder: no parameter " + hf);
      }
      OnnxModel.Initializer init = model.initializers().get(slot.initializer());
      Tensor t = new Tensor(slot.initializer(), init.dims(), model.floats(slot.initializer()));
      tensors.put(hf, slot.transposed() ? t.transposed(hf) : new Tensor(hf, t.shape(), t.data()));
    }
    long[] word = tensors.get("embeddings.word_embeddings.weight").shape();
    BertConfig config = new BertConfig(layers, (int) word[1], heads,
        (int) tensors.get("encoder.layer.0.intermediate.dense.bias").shape()[0], (int) word[0],
        (int) tensors.get("embeddings.position_embeddings.weight").shape()[0],
        (int) tensors.get("embeddings.token_type_embeddings.weight").shape()[0], 1e-12f);
    slots.keySet().retainAll(tensors.keySet());
    return new BertWeights(config, tensors, Map.copyOf(slots));
  }

  /** The Hugging Face parameter names of a BERT encoder with {@code layers} layers, in canonical order. */
  public static List<String> names(int layers) {
    List<String> out = new ArrayList<>(List.of("embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
        "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"));
    String[] perLayer = {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
        "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"};
    for (int l = 0; l < layers; l++) {
      for (String p : perLayer) {
        out.add("encoder.layer." + l + "." + p + ".weight");
        out.add("encoder.layer." + l + "." + p + ".bias");
      }
    }
    return out;
  }

  public BertConfig config() {
    return config;
  }

  /** Tensors by Hugging Face name, in canonical order. */
  public Map<String, Tensor> tensors() {
    return java.util.Collections.unmodifiableMap(tensors);
  }

  /** Where each Hugging Face parameter sits in the source ONNX file. */
  public Map<String, OnnxSlot> onnxSlots() {
    return slots;
  }
}
