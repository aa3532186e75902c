package dev.negmine.text.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.negmine.core.linalg.FloatMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end trainability of the MiniLM block, its batching, dropout switch and weight files. */
class TransformerEncoderTrainingTest {
  private static final List<String> QUERIES = List.of("what is a compiler", "river bank", "feline pet", "fast car");
  private static final List<String> DOCS = List.of("A compiler translates source code into machine code.",
      "The land alongside a river.", "A cat is a small domesticated carnivorous mammal.",
      "A sports car built for speed.");
  private static TransformerEncoder enc;

  @BeforeAll
  static void load() {
    enc = TransformerEncoder.pretrained("all-minilm-l6-v2");
  }

  @AfterAll
  static void close() {
    enc.close();
  }

  /** In-batch InfoNCE (temperature 1, so the loss is far from 0 and one step can lower it visibly) of the queries against the documents; gradients if recorded. */
  private static NDArray infoNce(NDManager scope, boolean training) {
    NDArray q = enc.forward(scope, enc.tokenize(QUERIES), training);
    NDArray d = enc.forward(scope, enc.tokenize(DOCS), training);
    NDArray logits = q.matMul(d.transpose());
    NDArray logp = logits.logSoftmax(1);
    NDArray diag = logp.mul(scope.eye(QUERIES.size())).sum(new int[] {1});
    return diag.neg().mean();
  }

  @Test
  void oneGradientStepChangesTheWeightsAndLowersTheLoss() {
    Parameter query0 = enc.block().parameter("encoder.layer.0.attention.self.query.weight");
    float[] before = query0.getArray().toFloatArray();
    float loss0;
    float loss1;
    try (NDManager scope = enc.manager().newSubManager()) {
      loss0 = infoNce(scope, false).getFloat();
    }
    try (NDManager scope = enc.manager().newSubManager();
         GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
      NDArray loss = infoNce(scope, false);
      gc.backward(loss);
    }
    int withGradient = 0;
    for (Parameter p : enc.parameters()) {
      assertTrue(p.requiresGradient(), p.getName());
      NDArray g = p.getArray().getGradient();
      assertNotNull(g, p.getName());
      if (g.abs().sum().getFloat() > 0) {
        withGradient++;
      }
      // plain SGD, lr 0.05: small enough for one step to descend
      p.getArray().subi(g.mul(0.05f));
      g.muli(0f);
    }
    // every array gets some gradient (the word, position and type-0 rows in use)
    assertEquals(enc.parameters().size(), withGradient, "parameters with a non-zero gradient");
    try (NDManager scope = enc.manager().newSubManager()) {
      loss1 = infoNce(scope, false).getFloat();
    }
    float[] after = query0.getArray().toFloatArray();
    assertFalse(java.util.Arrays.equals(before, after), "weights changed");
    assertTrue(loss1 < loss0 - 1e-3, "loss " + loss0 + " -> " + loss1);
    System.out.printf("in-batch InfoNCE: %.5f -> %.5f after one SGD step%n", loss0, loss1);
    // restore the pretrained weights for the other tests
    query0.getArray().set(before);
  }

  @Test
  void freezingDropsEmbeddingsAndLowerLayers() {
    assertEquals(101, enc.trainableParameters(false, 0).size());
    List<Parameter> p = enc.trainableParameters(true, 2);
    assertEquals(4 * 16, p.size(), "layers 2..5, 16 arrays each");
    assertEquals("encoder.layer.2.attention.self.query.weight", p.get(0).getName());
    assertThrows(IllegalArgumentException.class, () -> enc.trainableParameters(false, 7));
  }

  @Test
  void dropoutOnlyWhenTraining() {
    try (NDManager scope = enc.manager().newSubManager()) {
      float[] eval1 = enc.forward(scope, enc.tokenize(DOCS), false).toFloatArray();
      float[] eval2 = enc.forward(scope, enc.tokenize(DOCS), false).toFloatArray();
      float[] train = enc.forward(scope, enc.tokenize(DOCS), true).toFloatArray();
      assertArrayEquals(eval1, eval2, "eval is deterministic");
      assertFalse(java.util.Arrays.equals(eval1, train), "dropout changes the training forward");
    }
  }

  @Test
  void bucketedEncodeEqualsOneBatchAndKeepsOrder() {
    List<String> texts = TestTexts.make(40, 3);
    FloatMatrix bucketed = enc.encode(texts, Role.DOCUMENT);
    float[] oneBatch;
    try (NDManager scope = enc.manager().newSubManager()) {
      oneBatch = enc.forward(scope, enc.tokenize(texts), false).toFloatArray();
    }
    for (int i = 0; i < texts.size(); i++) {
      for (int k = 0; k < bucketed.cols(); k++) {
        assertEquals(oneBatch[i * bucketed.cols() + k], bucketed.get(i, k), 2e-5, "text " + i);
      }
    }
  }

  @Test
  void tokenizePadsToTheLongestAndTruncates() {
    TokenBatch b = enc.tokenize(List.of("a", "a b c", String.join(" ", java.util.Collections.nCopies(400, "word"))));
    assertEquals(256, b.length());
    assertArrayEquals(new int[] {3, 5, 256}, b.lengths());
    assertEquals(101, b.ids()[0], "[CLS]");
    assertEquals(102, b.ids()[2], "[SEP]");
    assertEquals(0, b.mask()[3], "padding masked");
    assertEquals(102, b.ids()[2 * 256 + 255], "a truncated text still ends with [SEP]");
    int[][] buckets = enc.buckets(List.of("a", "a b c d e f", "a b"), 2, 1000);
    assertArrayEquals(new int[] {1, 2}, buckets[0], "longest first");
    assertArrayEquals(new int[] {0}, buckets[1]);
  }

  @Test
  void saveLoadRoundTripsAndChecksShapes(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("w.safetensors");
    enc.save(f);
    Parameter p = enc.block().parameter("embeddings.LayerNorm.bias");
    float[] orig = p.getArray().toFloatArray();
    p.getArray().addi(1f);
    enc.load(f);
    assertArrayEquals(orig, p.getArray().toFloatArray());
    Path bad = dir.resolve("bad.safetensors");
    dev.negmine.text.weights.Safetensors.write(bad, List.of(new dev.negmine.text.weights.Tensor("x", new long[] {1}, new float[1])),
        java.util.Map.of());
    IOException e = assertThrows(IOException.class, () -> enc.load(bad));
    assertTrue(e.getMessage().contains("bad.safetensors") && e.getMessage().contains("embeddings.word_embeddings.weight"), e.getMessage());
    assertTrue(Files.size(f) > 80_000_000L);
  }
}
