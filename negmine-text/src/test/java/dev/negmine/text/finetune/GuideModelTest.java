package dev.negmine.text.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.text.transformer.Role;
import dev.negmine.text.transformer.TransformerEncoder;
import dev.negmine.text.transformer.TransformerSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The guide's false-negative mask on hand-set scores (sentence-transformers' GISTEmbed rule,
 * absolute and relative), its counts, its scores from hand-set embeddings, and its cached
 * embeddings against the guide model's own {@code encode}.
 */
class GuideModelTest {
  private static final String BGE = "bge-small-en-v1.5";

  /**
   * Two queries, four columns (two positives, one hard negative each). Row 1's positive scores
   * below zero, where the relative rule (positive - |positive| m) and positive (1 - m) differ.
   */
  private static final float[] G = {
      0.80f, 0.85f, 0.50f, 0.79f,
      -0.10f, -0.20f, -0.05f, -0.35f};

  private static boolean[] expect(int... masked) {
    boolean[] out = new boolean[8];
    for (int k : masked) {
      out[k] = true;
    }
    return out;
  }

  @Test
  void absoluteMarginMasksWhatTheGuideScoresAboveThePositiveMinusTheMargin() {
    // margin 0: row 0 keeps 0.79 < 0.80; row 1 masks -0.10 and -0.05 > -0.20
    assertArrayEquals(expect(1, 4, 6), GuideModel.mask(G, 2, 4, 0, FineTuneConfig.MarginStrategy.ABSOLUTE));
    // margin 0.05: row 0's bar is 0.75, so 0.79 goes too; row 1's is -0.25
    assertArrayEquals(expect(1, 3, 4, 6), GuideModel.mask(G, 2, 4, 0.05, FineTuneConfig.MarginStrategy.ABSOLUTE));
    // a wide margin masks every column but the query's own positive
    assertArrayEquals(expect(1, 2, 3, 4, 6, 7), GuideModel.mask(G, 2, 4, 1, FineTuneConfig.MarginStrategy.ABSOLUTE));
  }

  @Test
  void relativeMarginScalesByThePositivesMagnitude() {
    // margin 0.05: row 0's bar is 0.80 - 0.80 * 0.05 = 0.76 (0.79 goes); row 1's -0.20 - 0.20 * 0.05 = -0.21
    assertArrayEquals(expect(1, 3, 4, 6), GuideModel.mask(G, 2, 4, 0.05, FineTuneConfig.MarginStrategy.RELATIVE));
    // margin 0.5: row 0's bar 0.40 (0.50 goes); row 1's -0.20 - 0.20 * 0.5 = -0.30, so -0.10 goes
    // (under positive * (1 - m) = -0.10 it would stay: the rule lowers the bar for negative positives too)
    assertArrayEquals(expect(1, 2, 3, 4, 6), GuideModel.mask(G, 2, 4, 0.5, FineTuneConfig.MarginStrategy.RELATIVE));
  }

  @Test
  void applyAddsToTheJudgedMaskAndCountsOnlyNewPairsByColumnKind() {
    GuideModel g = new GuideModel(new FineTuneConfig.Guide(BGE, 0.05, null), FloatMatrix.zeros(1, 2), FloatMatrix.zeros(1, 2));
    boolean[] masked = new boolean[8];
    masked[1] = true; // column 1 is also a judged positive of query 0: masked already, not counted
    FineTuneListener.MaskCounts n = g.apply(G, 2, masked);
    assertArrayEquals(expect(1, 3, 4, 6), masked);
    assertEquals(new FineTuneListener.MaskCounts(1, 2), n); // (1, 0) in-batch; (0, 3) and (1, 2) hard
  }

  @Test
  void scoresAreTheDotProductsOfTheCachedRows() {
    FloatMatrix q = FloatMatrix.fromRows(new float[][] {{1, 0}, {0, 1}});
    FloatMatrix d = FloatMatrix.fromRows(new float[][] {{0.6f, 0.8f}, {0.8f, -0.6f}, {-1, 0}});
    GuideModel g = new GuideModel(new FineTuneConfig.Guide(BGE, 0, null), q, d);
    // queries 1, 0 against corpus rows 2, 0, 1
    assertArrayEquals(new float[] {0, 0.8f, -0.6f, -1, 0.6f, 0.8f}, g.scores(new int[] {1, 0}, new int[] {2, 0, 1}), 1e-7f);
  }

  @Test
  void configRefusesUnknownModelsAndWideMargins() {
    assertThrows(IllegalArgumentException.class, () -> new FineTuneConfig.Guide("bge-small-en-v1.5-q", 0, null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FineTuneConfig.Guide(BGE, 1.5, null));
    assertEquals("--guide-margin must be in [-1, 1], got 1.5", e.getMessage());
  }

  @Test
  void cachedEmbeddingsAreTheGuidesOwnEncodingWithItsPrompts() {
    assertFalse(TransformerSpec.of(BGE).prompt(Role.QUERY).isEmpty(), "bge has a query instruction");
    List<String> queries = List.of("what is a compiler", "packet forwarding device");
    List<String> corpus = new ArrayList<>(List.of("A program that translates source code into machine code.",
        "A router forwards packets between networks.", "Bread is baked from flour, water and yeast."));
    List<String> phases = new ArrayList<>();
    GuideModel g = GuideModel.embed(new FineTuneConfig.Guide(BGE, 0, null), queries, corpus, 32, phases::add);
    assertEquals(2, phases.size(), phases.toString());
    try (TransformerEncoder bge = TransformerEncoder.pretrained(BGE)) {
      assertArrayEquals(bge.encode(queries, Role.QUERY, 32).data(), g.queries().data(), 1e-6f);
      assertArrayEquals(bge.encode(corpus, Role.DOCUMENT, 32).data(), g.docs().data(), 1e-6f);
      FloatMatrix unprompted = bge.encode(queries, Role.DOCUMENT, 32);
      assertFalse(java.util.Arrays.equals(unprompted.data(), g.queries().data()), "queries carry bge's instruction");
    }
    // a second run on the same texts embeds nothing
    GuideModel again = GuideModel.embed(new FineTuneConfig.Guide(BGE, 0.1, null), queries, corpus, 32, phases::add);
    assertEquals(2, phases.size(), phases.toString());
    assertArrayEquals(g.docs().data(), again.docs().data());
  }
}
