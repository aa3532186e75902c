package dev.negmine.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.train.engine.TorchRuntime;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT-style sentence encoder run by ONNX Runtime: HuggingFace tokenizer, one padded batch per
 * {@link #encode} call, mean or CLS pooling, L2 normalisation — what sentence-transformers does for
 * all-MiniLM-L6-v2 (mean) and bge-small-en-v1.5 (CLS). Thread-safe: ONNX Runtime sessions and the
 * tokenizer may be shared; each call allocates its own tensors.
 */
final class OnnxTextEncoder implements TextEncoder {
  /** How token vectors become one sentence vector. */
  enum Pooling {
    MEAN,
    CLS
  }

  private final String name;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final Pooling pooling;
  private final int dimension;
  private final String fingerprint;
  private final boolean typeIds;
  private final boolean perText;

  /**
   * @param model ONNX weights
   * @param tokenizerJson HuggingFace {@code tokenizer.json}
   * @param maxLength word pieces kept per text (longer texts are truncated)
   * @param intraOpThreads ONNX Runtime threads per call (1 when callers run batches in parallel)
   * @param perText run texts one at a time: dynamically quantised models compute their int8 scales
   *     over the whole input tensor, so a padded batch would make a text's vector depend on its
   *     batch-mates (and the cache would no longer hold a function of weights and text)
   */
  OnnxTextEncoder(String name, byte[] model, byte[] tokenizerJson, Pooling pooling, int maxLength, int intraOpThreads,
      boolean perText) {
    this.name = name;
    this.perText = perText;
    this.pooling = pooling;
    this.fingerprint = fingerprint(model, tokenizerJson, pooling, maxLength);
    TorchRuntime.configureDjl();
    try {
      this.env = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
      opts.setIntraOpNumThreads(intraOpThreads);
      opts.setInterOpNumThreads(1);
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      this.session = env.createSession(model, opts);
      this.typeIds = session.getInputNames().contains("token_type_ids");
      Map<String, String> tok = new HashMap<>();
      tok.put("padding", "true");
      tok.put("truncation", "true");
      tok.put("maxLength", Integer.toString(maxLength));
      this.tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), tok);
      this.dimension = encode(List.of("dimension probe")).cols();
    } catch (OrtException | IOException e) {
      throw new IllegalStateException("cannot load text encoder " + name + ": " + e.getMessage(), e);
    }
  }

  static String fingerprint(byte[] model, byte[] tokenizerJson, Pooling pooling, int maxLength) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(model);
      md.update(tokenizerJson);
      md.update((pooling.name() + "/" + maxLength).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public String fingerprint() {
    return fingerprint;
  }

  @Override
  public FloatMatrix encode(List<String> texts) {
    if (texts.isEmpty()) {
      return FloatMatrix.zeros(0, Math.max(1, dimension));
    }
    for (int i = 0; i < texts.size(); i++) {
      if (texts.get(i) == null || texts.get(i).isBlank()) {
        throw new IllegalArgumentException("text " + i + " of the batch is empty");
      }
    }
    if (perText && texts.size() > 1) {
      float[] out = null;
      for (int i = 0; i < texts.size(); i++) {
        float[] v = run(List.of(texts.get(i))).data();
        if (out == null) {
          out = new float[texts.size() * v.length];
        }
        System.arraycopy(v, 0, out, i * v.length, v.length);
      }
      return FloatMatrix.of(texts.size(), out.length / texts.size(), out);
    }
    return run(texts);
  }

  private FloatMatrix run(List<String> texts) {
    Encoding[] enc = tokenizer.batchEncode(texts);
    int b = enc.length;
    int t = enc[0].getIds().length;
    long[] ids = new long[b * t];
    long[] mask = new long[b * t];
    long[] types = new long[b * t];
    for (int i = 0; i < b; i++) {
      System.arraycopy(enc[i].getIds(), 0, ids, i * t, t);
      System.arraycopy(enc[i].getAttentionMask(), 0, mask, i * t, t);
      System.arraycopy(enc[i].getTypeIds(), 0, types, i * t, t);
    }
    long[] shape = {b, t};
    try (OnnxTensor idT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
         OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
         OnnxTensor typeT = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape)) {
      Map<String, OnnxTensor> in = new HashMap<>();
      in.put("input_ids", idT);
      in.put("attention_mask", maskT);
      if (typeIds) {
        in.put("token_type_ids", typeT);
      }
      try (OrtSession.Result r = session.run(in)) {
        float[][][] hidden = (float[][][]) r.get(0).getValue();
        int d = hidden[0][0].length;
        float[] out = new float[b * d];
        for (int i = 0; i < b; i++) {
          pool(hidden[i], mask, i * t, out, i * d);
        }
        return FloatMatrix.of(b, d, out);
      }
    } catch (OrtException e) {
      throw new IllegalStateException(name + ": ONNX Runtime failed: " + e.getMessage(), e);
    }
  }

  /** Pools one text's token vectors into {@code out[at..at+d)} and L2-normalises them. */
  private void pool(float[][] tokens, long[] mask, int maskAt, float[] out, int at) {
    int d = tokens[0].length;
    if (pooling == Pooling.CLS) {
      System.arraycopy(tokens[0], 0, out, at, d);
    } else {
      int n = 0;
      for (int j = 0; j < tokens.length; j++) {
        if (mask[maskAt + j] != 0) {
          n++;
          for (int k = 0; k < d; k++) {
            out[at + k] += tokens[j][k];
          }
        }
      }
      for (int k = 0; k < d; k++) {
        out[at + k] /= Math.max(1, n);
      }
    }
    double ss = 0;
    for (int k = 0; k < d; k++) {
      ss += (double) out[at + k] * out[at + k];
    }
    float inv = (float) (1 / Math.max(Math.sqrt(ss), 1e-12));
    for (int k = 0; k < d; k++) {
      out[at + k] *= inv;
    }
  }

  @Override
  public void close() {
    tokenizer.close();
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
