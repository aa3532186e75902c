package dev.negmine.text.transformer;

/**
 * Shape of a BERT encoder (Hugging Face {@code BertConfig} names in the Javadoc).
 *
 * @param layers {@code num_hidden_layers}
 * @param hidden {@code hidden_size}
 * @param heads {@code num_attention_heads}
 * @param intermediate {@code intermediate_size}
 * @param vocab {@code vocab_size}
 * @param maxPositions {@code max_position_embeddings}
 * @param typeVocab {@code type_vocab_size}
 * @param layerNormEps {@code layer_norm_eps}
 */
public record BertConfig(int layers, int hidden, int heads, int intermediate, int vocab, int maxPositions, int typeVocab,
    float layerNormEps) {
  public BertConfig {
    if (layers < 1 || hidden < 1 || heads < 1 || hidden % heads != 0 || intermediate < 1 || vocab < 1 || maxPositions < 1
        || typeVocab < 1 || !(layerNormEps > 0)) {
      throw new IllegalArgumentException("invalid BERT config: " + layers + " layers, hidden " + hidden + ", heads " + heads);
    }
  }

  /** Per-head dimension. */
  public int headSize() {
    return hidden / heads;
  }

  /** The Hugging Face {@code config.json} of this shape (architecture BertModel, GELU, absolute positions). */
  public String toHuggingFaceJson() {
    return "{\n"
        + "  \"architectures\": [\"BertModel\"],\n"
        + "  \"model_type\": \"bert\",\n"
        + "  \"attention_probs_dropout_prob\": 0.1,\n"
        + "  \"hidden_act\": \"gelu\",\n"
        + "  \"hidden_dropout_prob\": 0.1,\n"
        + "  \"hidden_size\": " + hidden + ",\n"
        + "  \"initializer_range\": 0.02,\n"
        + "  \"intermediate_size\": " + intermediate + ",\n"
        + "  \"layer_norm_eps\": " + layerNormEps + ",\n"
        + "  \"max_position_embeddings\": " + maxPositions + ",\n"
        + "  \"num_attention_heads\": " + heads + ",\n"
        + "  \"num_hidden_layers\": " + layers + ",\n"
        + "  \"pad_token_id\": 0,\n"
        + "  \"position_embedding_type\": \"absolute\",\n"
        + "  \"torch_dtype\": \"float32\",\n"
        + "  \"type_vocab_size\": " + typeVocab + ",\n"
        + "  \"use_cache\": true,\n"
        + "  \"vocab_size\": " + vocab + "\n"
        + "}\n";
  }
}
