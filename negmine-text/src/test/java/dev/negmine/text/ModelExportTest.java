package dev.negmine.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.text.export.ModelExport;
import dev.negmine.text.transformer.Role;
import dev.negmine.text.transformer.TransformerEncoder;
import dev.negmine.text.weights.Safetensors;
import dev.negmine.text.weights.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export of changed weights: the ONNX file, run by ONNX Runtime, gives the DJL block's vectors
 * (and no longer the pretrained ones); the safetensors directory holds the same tensors under
 * Hugging Face names with its config.
 */
class ModelExportTest {
  private static final List<String> TEXTS = List.of("what is a compiler", "A program that translates source code.",
      "Straße über Müller", "x", String.join(" ", java.util.Collections.nCopies(300, "token")));

  /** Adds seeded noise to a Linear weight (stored transposed in ONNX) and a LayerNorm bias. */
  private static void perturb(TransformerEncoder enc) {
    SplittableRandom r = new SplittableRandom(7);
    for (String name : List.of("encoder.layer.0.attention.self.query.weight", "encoder.layer.3.intermediate.dense.weight",
        "embeddings.LayerNorm.bias")) {
      var a = enc.block().parameter(name).getArray();
      float[] v = a.toFloatArray();
      for (int i = 0; i < v.length; i++) {
        v[i] += (float) (r.nextGaussian() * 0.05);
      }
      a.set(v);
    }
  }

  @Test
  void onnxExportRunsInOnnxRuntimeWithTheNewWeights(@TempDir Path dir) throws IOException {
    try (TransformerEncoder enc = TransformerEncoder.pretrained("all-minilm-l6-v2")) {
      FloatMatrix before = enc.encode(TEXTS, Role.DOCUMENT);
      Path same = dir.resolve("pretrained.onnx");
      ModelExport.onnx(enc, same);
      org.junit.jupiter.api.Assertions.assertArrayEquals(enc.sourceOnnx().bytes(), Files.readAllBytes(same),
          "unchanged weights give back the bundled file byte for byte");
      Files.delete(same);
      perturb(enc);
      FloatMatrix ours = enc.encode(TEXTS, Role.DOCUMENT);
      Path f = dir.resolve("model.onnx");
      ModelExport.onnx(enc, f);
      try (TextEncoder ort = new OnnxTextEncoder("exported", Files.readAllBytes(f), enc.tokenizerJson(),
          OnnxTextEncoder.Pooling.MEAN, 256, 1, false)) {
        FloatMatrix theirs = ort.encode(TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) {
          double cos = dot(ours.row(i), theirs.row(i));
          assertTrue(cos >= 0.9999, "text " + i + ": exported ONNX vs block cosine " + cos);
          assertTrue(dot(before.row(i), theirs.row(i)) < 0.999, "text " + i + ": the export carries the changed weights");
        }
      }
      // langchain4j's OnnxEmbeddingModel on the exported file (texts under its and our length limits)
      Path tok = dir.resolve("tokenizer.json");
      Files.write(tok, enc.tokenizerJson());
      var lc = new dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel(f, tok,
          dev.langchain4j.model.embedding.onnx.PoolingMode.MEAN, Runnable::run);
      for (int i = 0; i < 4; i++) {
        float[] v = lc.embed(dev.langchain4j.data.segment.TextSegment.from(TEXTS.get(i))).content().vector();
        double cos = dot(ours.row(i), v) / Math.sqrt(dot(v, v));
        assertTrue(cos >= 0.9999, "text " + i + ": langchain4j on the exported ONNX vs block cosine " + cos);
      }
    }
  }

  @Test
  void safetensorsDirectoryHoldsTheWeightsUnderHuggingFaceNames(@TempDir Path dir) throws IOException {
    try (TransformerEncoder enc = TransformerEncoder.pretrained("bge-small-en-v1.5")) {
      perturb(enc);
      ModelExport.huggingFace(enc, dir);
      for (String f : ModelExport.huggingFaceFiles()) {
        assertTrue(Files.isRegularFile(dir.resolve(f)), f);
      }
      Map<String, Tensor> read = Safetensors.read(dir.resolve("model.safetensors"));
      List<Tensor> mine = enc.weights();
      assertEquals(mine.size(), read.size());
      assertEquals(5 + 12 * 16, read.size(), "bge-small: 12 layers x 16 tensors + 5 embedding tensors");
      for (Tensor t : mine) {
        assertArrayEquals(t.shape(), read.get(t.name()).shape(), t.name());
        assertArrayEquals(t.data(), read.get(t.name()).data(), t.name());
      }
      assertArrayEquals(new long[] {1536, 384}, read.get("encoder.layer.0.intermediate.dense.weight").shape(), "torch Linear [out, in]");
      String config = Files.readString(dir.resolve("config.json"));
      assertTrue(config.contains("\"num_hidden_layers\": 12") && config.contains("\"num_attention_heads\": 12"), config);
      assertTrue(Files.readString(dir.resolve("1_Pooling/config.json")).contains("\"pooling_mode_cls_token\": true"));
      assertTrue(Files.readString(dir.resolve("config_sentence_transformers.json")).contains("Represent this sentence"));
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
