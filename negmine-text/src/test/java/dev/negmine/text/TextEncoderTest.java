package dev.negmine.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.negmine.core.linalg.FloatMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled quantised MiniLM against langchain4j's reference path, and the weights-keyed cache. */
class TextEncoderTest {
  private static final List<String> TEXTS = List.of("a small cat", "kitten", "The automobile was parked outside the house.",
      "car", "a bank of the river", "financial institution");
  private static TextEncoder q;

  @BeforeAll
  static void load() {
    q = TextEncoders.create("all-minilm-l6-v2-q", 1);
  }

  @AfterAll
  static void close() {
    q.close();
  }

  @Test
  void matchesLangchain4jOneTextAtATime() {
    FloatMatrix ours = q.encode(TEXTS);
    assertEquals(384, q.dimension());
    var ref = new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);
    for (int i = 0; i < TEXTS.size(); i++) {
      float[] r = ref.embed(TextSegment.from(TEXTS.get(i))).content().vector();
      float[] o = ours.row(i);
      double dot = 0;
      for (int k = 0; k < r.length; k++) {
        dot += (double) r[k] * o[k];
      }
      assertTrue(dot > 0.9999, "text " + i + " cosine to the reference " + dot);
    }
  }

  @Test
  void aTextsVectorDoesNotDependOnItsBatch() {
    FloatMatrix batch = q.encode(TEXTS);
    for (int i = 0; i < TEXTS.size(); i++) {
      assertArrayEquals(q.encode(List.of(TEXTS.get(i))).row(0), batch.row(i), "quantised: text " + i);
    }
  }

  @Test
  void unknownNamesAndEmptyTextsAreClearErrors() {
    var e = assertThrows(IllegalArgumentException.class, () -> TextEncoders.create("minilm", 1));
    assertTrue(e.getMessage().contains("unknown text encoder 'minilm'") && e.getMessage().contains("all-minilm-l6-v2-q"));
    var e2 = assertThrows(IllegalArgumentException.class, () -> q.encode(List.of("ok", " ")));
    assertTrue(e2.getMessage().contains("empty"), e2.getMessage());
  }

  /** The cache never serves vectors made by other weights: not for another encoder, not for a renamed file. */
  @Test
  void cacheIsKeyedByWeightsNotByName(@TempDir Path dir) throws Exception {
    EmbeddingCache.Encoded first = EmbeddingCache.encode(q, TEXTS, dir, 2, 2, null);
    assertEquals(TEXTS.size(), first.stats().encoded());
    EmbeddingCache.Encoded again = EmbeddingCache.encode(q, TEXTS, dir, 2, 2, null);
    assertEquals(TEXTS.size(), again.stats().hits());
    assertArrayEquals(first.embeddings().data(), again.embeddings().data());

    try (TextEncoder full = TextEncoders.create("all-minilm-l6-v2", 1)) {
      assertNotEquals(q.fingerprint(), full.fingerprint());
      assertEquals(q.dimension(), full.dimension());
      EmbeddingCache.Encoded other = EmbeddingCache.encode(full, TEXTS, dir, 2, 3, null);
      assertEquals(0, other.stats().hits(), "another encoder's weights must miss");
      FloatMatrix batch = full.encode(TEXTS);
      assertArrayEquals(batch.data(), other.embeddings().data(), 1e-5f);
      for (int i = 0; i < TEXTS.size(); i++) {
        // full precision: padding is masked out, so a padded batch gives each text's own vector
        assertArrayEquals(full.encode(List.of(TEXTS.get(i))).row(0), batch.row(i), 2e-5f, "full: text " + i);
      }
      // plant the quantised model's file under the full model's fingerprint: its header gives it away
      Path planted = dir.resolve(full.fingerprint() + ".emb");
      Files.copy(dir.resolve(q.fingerprint() + ".emb"), planted, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      EmbeddingCache c = EmbeddingCache.open(dir, full.fingerprint(), full.dimension());
      assertEquals(0, c.size());
      assertNull(c.get(TEXTS.get(0)));
      EmbeddingCache.Encoded fresh = EmbeddingCache.encode(full, TEXTS, dir, 1, 8, null);
      assertEquals(0, fresh.stats().hits());
      assertArrayEquals(other.embeddings().data(), fresh.embeddings().data(), 1e-5f);
    }
  }
}
