package dev.negmine.text.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.text.TextEncoder;
import dev.negmine.text.weights.OnnxModel;
import dev.negmine.text.weights.Safetensors;
import dev.negmine.text.weights.Tensor;
import dev.negmine.train.engine.TorchRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trainable BERT sentence encoder on DJL's PyTorch engine: the {@link BertBlock}, the model's
 * tokenizer, pooling, prompts and maximum length, loaded from the fp32 ONNX export bundled in a
 * langchain4j model jar. What a training pipeline calls: {@link #tokenize}, {@link #forward} (with
 * gradients inside a {@code GradientCollector}, dropout when training), {@link #parameters},
 * {@link #save} / {@link #load}; what evaluation calls: {@link #encode(List, Role)} (no gradients,
 * dropout off, length-bucketed batches).
 *
 * <p>Threading: tokenisation is thread-safe; {@link #encode} may run on several threads at once
 * while nobody changes the weights (PyTorch's grad mode, which it switches off, is per thread);
 * training forwards, {@link #load} and optimizer updates belong to one thread (the training loop
 * owns the encoder). Owns an NDManager: {@link #close} frees the weights.
 */
public final class TransformerEncoder implements TextEncoder {
  /** Rows per batch when embedding many texts. */
  public static final int ENCODE_ROWS = 64;
  /**
   * Padded tokens per batch when embedding many texts: 4096 keeps one layer's attention tensors
   * (rows x heads x T x T floats, 100 MB each at 8 x 512) modest while batches stay large.
   */
  public static final long ENCODE_TOKENS = 4096;

  private final TransformerSpec spec;
  private final NDManager manager;
  private final BertBlock block;
  private final Tokenization tokenization;
  private final OnnxModel source;
  private final Map<String, BertWeights.OnnxSlot> slots;
  private volatile boolean encodingCancelled;
  private final byte[] tokenizerJson;
  /** Tokenizers with a shorter maximum length (training sequences), made on first use. */
  private final Map<Integer, Tokenization> shorter = new java.util.concurrent.ConcurrentHashMap<>();

  private TransformerEncoder(TransformerSpec spec, OnnxModel source, BertWeights weights, byte[] tokenizerJson) {
    this.spec = spec;
    this.source = source;
    this.slots = weights.onnxSlots();
    this.tokenizerJson = tokenizerJson;
    TorchRuntime.engine();
    this.manager = NDManager.newBaseManager();
    this.block = new BertBlock(manager, weights.config(), spec.pooling(), weights.tensors());
    this.tokenization = new Tokenization(tokenizerJson, Math.min(spec.maxLength(), weights.config().maxPositions()));
  }

  /** Loads the pretrained model {@code name} ({@link TransformerSpec#names}) from the class path. */
  public static TransformerEncoder pretrained(String name) {
    return pretrained(TransformerSpec.of(name));
  }

  /** Loads the pretrained weights of {@code spec} from the class path (a second or two). */
  public static TransformerEncoder pretrained(TransformerSpec spec) {
    byte[] onnx = resource(spec.onnxResource(), spec.name());
    OnnxModel model = new OnnxModel(onnx, spec.onnxResource());
    BertWeights w = BertWeights.fromOnnx(model, spec.heads(), spec.onnxResource());
    return new TransformerEncoder(spec, model, w, resource(spec.tokenizerResource(), spec.name()));
  }

  static byte[] resource(String file, String model) {
    try (InputStream in = TransformerEncoder.class.getClassLoader().getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("text encoder " + model + ": " + file
            + " is not on the class path (the langchain4j-embeddings jar is missing)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("text encoder " + model + ": cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public TransformerSpec spec() {
    return spec;
  }

  public BertBlock block() {
    return block;
  }

  public BertConfig config() {
    return block.config();
  }

  /** The manager that owns the weights (create per-step managers as its children). */
  public NDManager manager() {
    return manager;
  }

  /** The ONNX file the weights came from (for export). */
  public OnnxModel sourceOnnx() {
    return source;
  }

  /** The Hugging Face parameter -> ONNX initializer mapping of the source file. */
  public Map<String, BertWeights.OnnxSlot> onnxSlots() {
    return slots;
  }

  /** The Hugging Face {@code tokenizer.json} bytes (for export). */
  public byte[] tokenizerJson() {
    return tokenizerJson.clone();
  }

  /** The texts with the prompt of {@code role} prepended. */
  public List<String> withPrompt(List<String> texts, Role role) {
    String p = spec.prompt(role);
    if (p.isEmpty()) {
      return texts;
    }
    List<String> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(p + t);
    }
    return out;
  }

  /** Tokenises and pads {@code texts} as they are (no prompt), truncated to the maximum length. */
  public TokenBatch tokenize(List<String> texts) {
    return tokenization.batch(texts);
  }

  /**
   * As {@link #tokenize(List)}, truncated to {@code maxLength} word pieces when that is below the
   * model's maximum (training on shorter sequences than inference uses, as sentence-transformers'
   * {@code max_seq_length} does).
   */
  public TokenBatch tokenize(List<String> texts, int maxLength) {
    if (maxLength >= tokenization.maxLength()) {
      return tokenization.batch(texts);
    }
    return shorter.computeIfAbsent(maxLength, n -> new Tokenization(tokenizerJson, n)).batch(texts);
  }

  /** The model's maximum length in word pieces (special tokens included). */
  public int maxLength() {
    return tokenization.maxLength();
  }

  /** Length buckets of {@code texts} (see {@link Tokenization#buckets}). */
  public int[][] buckets(List<String> texts, int maxRows, long tokenBudget) {
    return tokenization.buckets(texts, maxRows, tokenBudget);
  }

  /**
   * Pooled, normalised embeddings {@code [rows, hidden]} of {@code batch}, allocated in
   * {@code scope} (with every intermediate: close the scope to free them). Gradients flow to the
   * parameters when called inside a {@code GradientCollector}; {@code training} switches dropout on.
   */
  public NDArray forward(NDManager scope, TokenBatch batch, boolean training) {
    NDList in = batch.toNDList(scope);
    return block.forward(new ParameterStore(scope, false), in, training).singletonOrThrow();
  }

  /**
   * Embeddings of {@code texts} with {@code role}'s prompt, one row each in order: no gradients
   * (even inside a collector), dropout off, length-bucketed batches. Texts must be non-empty.
   */
  public FloatMatrix encode(List<String> texts, Role role) {
    return encode(texts, role, maxLength());
  }

  /**
   * Makes every {@link #encode} on this encoder, in flight or later, throw a
   * {@link java.util.concurrent.CancellationException} before its next batch: how a background job
   * that owns this encoder is stopped within one batch. Cannot be undone.
   */
  public void cancelEncoding() {
    encodingCancelled = true;
  }

  /** As {@link #encode(List, Role)} with texts truncated to {@code maxLength} word pieces. */
  public FloatMatrix encode(List<String> texts, Role role, int maxLength) {
    List<String> prompted = withPrompt(texts, role);
    int d = config().hidden();
    float[] out = new float[texts.size() * d];
    if (texts.isEmpty()) {
      return FloatMatrix.zeros(0, d);
    }
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      Tokenization tok = maxLength >= tokenization.maxLength() ? tokenization
          : shorter.computeIfAbsent(maxLength, n -> new Tokenization(tokenizerJson, n));
      for (int[] bucket : tok.buckets(prompted, ENCODE_ROWS, ENCODE_TOKENS)) {
        List<String> part = new ArrayList<>(bucket.length);
        for (int i : bucket) {
          part.add(prompted.get(i));
        }
        if (encodingCancelled) {
          throw new java.util.concurrent.CancellationException(spec.name() + ": encoding cancelled");
        }
        try (NDManager scope = manager.newSubManager()) {
          float[] e = forward(scope, tok.batch(part), false).toFloatArray();
          for (int j = 0; j < bucket.length; j++) {
            System.arraycopy(e, j * d, out, bucket[j] * d, d);
          }
        }
      }
    } finally {
      JniUtils.setGradMode(grad);
    }
    return FloatMatrix.of(texts.size(), d, out);
  }

  /** As {@link #encode(List, Role)} for documents (no prompt for the bundled models). */
  @Override
  public FloatMatrix encode(List<String> texts) {
    for (int i = 0; i < texts.size(); i++) {
      if (texts.get(i) == null || texts.get(i).isBlank()) {
        throw new IllegalArgumentException("text " + i + " of the batch is empty");
      }
    }
    return encode(texts, Role.DOCUMENT);
  }

  /** The parameters in canonical order, each a float32 array that requires gradients. */
  public List<Parameter> parameters() {
    return block.parameterList();
  }

  /**
   * The parameters a fine-tuning run updates: all of them, less the embedding tables (word,
   * position, type and their LayerNorm) when {@code freezeEmbeddings}, less encoder layers
   * {@code 0 .. frozenLayers-1}. Canonical order.
   *
   * @throws IllegalArgumentException if {@code frozenLayers} is negative or exceeds the layers
   */
  public List<Parameter> trainableParameters(boolean freezeEmbeddings, int frozenLayers) {
    if (frozenLayers < 0 || frozenLayers > config().layers()) {
      throw new IllegalArgumentException("frozen layers must be in 0.." + config().layers() + ", got " + frozenLayers);
    }
    List<Parameter> out = new ArrayList<>();
    for (Parameter p : block.parameterList()) {
      String n = p.getName();
      if (freezeEmbeddings && n.startsWith("embeddings.")) {
        continue;
      }
      if (n.startsWith("encoder.layer.")) {
        int layer = Integer.parseInt(n.substring("encoder.layer.".length(), n.indexOf('.', "encoder.layer.".length())));
        if (layer < frozenLayers) {
          continue;
        }
      }
      out.add(p);
    }
    return out;
  }

  /** Host copies of the current weights under Hugging Face names, canonical order. */
  public List<Tensor> weights() {
    List<Tensor> out = new ArrayList<>();
    for (Parameter p : block.parameterList()) {
      NDArray a = p.getArray();
      out.add(new Tensor(p.getName(), a.getShape().getShape(), a.toFloatArray()));
    }
    return out;
  }

  /** Writes the current weights as safetensors (Hugging Face BERT names), atomically. */
  public void save(Path file) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.put("negmine.model", spec.name());
    meta.put("negmine.max_length", Integer.toString(tokenization.maxLength()));
    Safetensors.write(file, weights(), meta);
  }

  /**
   * Replaces the weights with those in {@code file} (as {@link #save} writes them; names and shapes
   * must match this model). Must not run while a forward is in flight.
   *
   * @throws IOException naming the file and the tensor on a mismatch
   */
  public void load(Path file) throws IOException {
    Map<String, Tensor> t = Safetensors.read(file);
    for (Parameter p : block.parameterList()) {
      Tensor x = t.get(p.getName());
      if (x == null) {
        throw new IOException(file + ": tensor " + p.getName() + " is missing");
      }
      if (!java.util.Arrays.equals(x.shape(), p.getArray().getShape().getShape())) {
        throw new IOException(file + ": tensor " + p.getName() + " has shape " + java.util.Arrays.toString(x.shape())
            + ", the model wants " + p.getArray().getShape());
      }
    }
    for (Parameter p : block.parameterList()) {
      p.getArray().set(t.get(p.getName()).data());
    }
  }

  /**
   * Replaces the weights with {@code tensors} (as {@link #weights} returns them: every parameter by
   * Hugging Face name, matching shapes). Must not run while a forward is in flight.
   */
  public void setWeights(List<Tensor> tensors) {
    Map<String, Tensor> byName = new LinkedHashMap<>();
    for (Tensor t : tensors) {
      byName.put(t.name(), t);
    }
    for (Parameter p : block.parameterList()) {
      Tensor x = byName.get(p.getName());
      if (x == null || !java.util.Arrays.equals(x.shape(), p.getArray().getShape().getShape())) {
        throw new IllegalArgumentException("weights: tensor " + p.getName() + " is missing or has another shape");
      }
      p.getArray().set(x.data());
    }
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public int dimension() {
    return config().hidden();
  }

  /** SHA-256 over the current weights, the tokenizer, pooling and maximum length (computed on each call). */
  @Override
  public String fingerprint() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Parameter p : block.parameterList()) {
        float[] v = p.getArray().toFloatArray();
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        md.update(b.array());
      }
      md.update(tokenizerJson);
      md.update((spec.pooling() + "/" + tokenization.maxLength()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    tokenization.close();
    shorter.values().forEach(Tokenization::close);
    manager.close();
  }
}
