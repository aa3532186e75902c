package dev.negmine.text.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.negmine.text.weights.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT encoder with sentence pooling as one DJL block: inputs {@code input_ids},
 * {@code attention_mask} and {@code token_type_ids} (int64, {@code [B, T]}), output the pooled,
 * L2-normalised text embeddings ({@code [B, hidden]}, float32). The arithmetic is Hugging Face's
 * {@code BertModel} (post-LayerNorm, exact erf GELU, additive attention mask) followed by
 * sentence-transformers' pooling and {@code Normalize}, so pretrained weights give the model's own
 * vectors. With {@code training} true, dropout (p = 0.1, BERT's rate for hidden states and attention
 * probabilities) is applied, as {@code model.train()} does; with false it is off.
 *
 * <p>Every parameter is a DJL {@link Parameter} under its Hugging Face name, holding a float32
 * array that requires gradients; gradients are recorded when the forward runs inside a DJL
 * {@code GradientCollector}. Not thread-safe: one forward at a time per block (the parameters may be
 * read concurrently only while nobody updates them).
 */
public final class BertBlock extends AbstractBlock {
  /** BERT's dropout rate on hidden states and attention probabilities. */
  public static final float DROPOUT = 0.1f;
  /** Added to masked attention scores: exp(score - 1e9) is 0 in float32, as with Hugging Face's finfo.min. */
  private static final float MASKED = -1e9f;

  private final BertConfig config;
  private final Pooling pooling;
  private final Map<String, Parameter> byName = new LinkedHashMap<>();

  /**
   * @param tensors initial weights under Hugging Face names ({@link BertWeights#names}), copied into
   *     arrays of {@code manager}
   */
  public BertBlock(NDManager manager, BertConfig config, Pooling pooling, Map<String, Tensor> tensors) {
    super((byte) 1);
    this.config = config;
    this.pooling = pooling;
    for (String name : BertWeights.names(config.layers())) {
      Tensor t = tensors.get(name);
      if (t == null) {
        throw new IllegalArgumentException("BERT weights: no parameter " + name);
      }
      NDArray a = manager.create(t.data(), new Shape(t.shape()));
      a.setName(name);
      a.setRequiresGradient(true);
      Parameter p = addParameter(Parameter.builder().setName(name).setType(typeOf(name)).optArray(a).optRequiresGrad(true).build());
      byName.put(name, p);
    }
  }

  private static Parameter.Type typeOf(String name) {
    if (name.endsWith(".bias")) {
      return name.contains("LayerNorm") ? Parameter.Type.BETA : Parameter.Type.BIAS;
    }
    return name.contains("LayerNorm") ? Parameter.Type.GAMMA : Parameter.Type.WEIGHT;
  }

  public BertConfig config() {
    return config;
  }

  public Pooling pooling() {
    return pooling;
  }

  /** Parameters in canonical order ({@link BertWeights#names}). */
  public List<Parameter> parameterList() {
    return List.copyOf(byName.values());
  }

  /** The parameter named {@code name} (Hugging Face naming). */
  public Parameter parameter(String name) {
    Parameter p = byName.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no parameter " + name);
    }
    return p;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray ids = inputs.get(0);
    NDArray mask = inputs.get(1);
    NDArray types = inputs.size() > 2 ? inputs.get(2) : ids.zerosLike();
    long b = ids.getShape().get(0);
    long t = ids.getShape().get(1);
    if (t > config.maxPositions()) {
      throw new IllegalArgumentException("sequence of " + t + " tokens exceeds the model's " + config.maxPositions() + " positions");
    }
    Weights w = new Weights(ps, ids.getManager(), training);
    NDManager m = ids.getManager();
    NDArray positions = m.arange(0, (int) t, 1, DataType.INT64);
    NDArray x = embed(ids, w.get("embeddings.word_embeddings.weight"))
        .add(embed(types, w.get("embeddings.token_type_embeddings.weight")))
        .add(embed(positions, w.get("embeddings.position_embeddings.weight")));
    x = dropout(layerNorm(x, w, "embeddings.LayerNorm"), training);
    NDArray maskF = mask.toType(DataType.FLOAT32, false);
    NDArray additive = maskF.sub(1f).mul(-MASKED).reshape(b, 1, 1, t);
    for (int l = 0; l < config.layers(); l++) {
      // each layer's intermediates live in their own manager, freed when the layer is done (DJL
      // frees arrays only with their manager: without this, an eval forward of bge-small at
      // 16 x 512 tokens held every layer's attention tensors, about 10 GB); autograd keeps its own
      // references to what backward needs, so this is safe under a GradientCollector too
      try (NDManager lm = m.newSubManager()) {
        x.attach(lm); // the previous layer's output is freed with this layer
        x = layer(x, w, "encoder.layer." + l + ".", additive, b, t, training);
        x.attach(m);
      }
    }
    NDArray pooled;
    if (pooling == Pooling.CLS) {
      pooled = x.get(":, 0, :");
    } else {
      NDArray weights = maskF.expandDims(2);
      pooled = x.mul(weights).sum(new int[] {1}).div(maskF.sum(new int[] {1}, true).maximum(1e-9f));
    }
    return new NDList(pooled.normalize(2, 1, 1e-12));
  }

  /** One encoder layer; results are allocated in {@code x}'s manager. */
  private NDArray layer(NDArray x, Weights w, String p, NDArray additive, long b, long t, boolean training) {
    int h = config.heads();
    int dh = config.headSize();
    float scale = (float) (1 / Math.sqrt(dh));
    NDArray q = heads(linear(x, w, p + "attention.self.query"), b, t, h, dh);
    NDArray k = heads(linear(x, w, p + "attention.self.key"), b, t, h, dh);
    NDArray v = heads(linear(x, w, p + "attention.self.value"), b, t, h, dh);
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).add(additive);
    NDArray probs = dropout(scores.softmax(-1), training);
    NDArray ctx = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, config.hidden());
    NDArray attn = dropout(linear(ctx, w, p + "attention.output.dense"), training);
    NDArray y = layerNorm(attn.add(x), w, p + "attention.output.LayerNorm");
    NDArray inner = Activation.gelu(linear(y, w, p + "intermediate.dense"));
    NDArray out = dropout(linear(inner, w, p + "output.dense"), training);
    return layerNorm(out.add(y), w, p + "output.LayerNorm");
  }

  private static NDArray heads(NDArray x, long b, long t, int h, int dh) {
    return x.reshape(b, t, h, dh).transpose(0, 2, 1, 3);
  }

  private static NDArray embed(NDArray ids, NDArray table) {
    return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
  }

  private static NDArray linear(NDArray x, Weights w, String prefix) {
    return Linear.linear(x, w.get(prefix + ".weight"), w.get(prefix + ".bias")).singletonOrThrow();
  }

  private NDArray layerNorm(NDArray x, Weights w, String prefix) {
    return LayerNorm.layerNorm(x, new Shape(config.hidden()), w.get(prefix + ".weight"), w.get(prefix + ".bias"),
        config.layerNormEps()).singletonOrThrow();
  }

  private static NDArray dropout(NDArray x, boolean training) {
    return training ? Dropout.dropout(x, DROPOUT, true).singletonOrThrow() : x;
  }

  /** Parameter values for one forward, through the parameter store (which handles devices). */
  private final class Weights {
    private final ParameterStore ps;
    private final ai.djl.Device device;
    private final boolean training;

    Weights(ParameterStore ps, NDManager m, boolean training) {
      this.ps = ps;
      this.device = m.getDevice();
      this.training = training;
    }

    NDArray get(String name) {
      return ps.getValue(byName.get(name), device, training);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), config.hidden())};
  }
}
