package dev.negmine.text.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.negmine.core.linalg.FloatMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-computed cases of the trec_eval / BEIR definitions. */
class IrMetricsTest {
  @Test
  void handComputedTwoQueries() {
    // q1: graded judgments, relevant at ranks 2 (rel 1) and 3 (rel 2)
    // q2: relevant d5 at rank 11 only, d6 never retrieved, d7 judged 0 at rank 1
    // q3: no relevant document: not evaluated
    List<String> q2 = new ArrayList<>(List.of("d7"));
    for (int i = 0; i < 9; i++) {
      q2.add("x" + i);
    }
    q2.add("d5");
    IrMetrics.Result r = IrMetrics.evaluate(
        Map.of("q1", Map.of("d1", 1, "d3", 2), "q2", Map.of("d5", 1, "d6", 1, "d7", 0), "q3", Map.of("d9", 0)),
        Map.of("q1", List.of("d2", "d1", "d3", "d4"), "q2", q2, "q3", List.of("d9")));
    assertEquals(2, r.queries());
    // q1: DCG = 1/log2(3) + 2/log2(4); IDCG = 2/log2(2) + 1/log2(3); q2: 0
    assertEquals(0.6199062332840657 / 2, r.ndcg10(), 1e-12);
    assertEquals((0.5 + 0) / 2, r.mrr10(), 1e-12);
    assertEquals((1.0 + 0) / 2, r.recall10(), 1e-12);
    assertEquals((1.0 + 0.5) / 2, r.recall100(), 1e-12);
    // AP: q1 (1/2 + 2/3) / 2; q2 (1/11) / 2
    assertEquals(((0.5 + 2.0 / 3) / 2 + (1.0 / 11) / 2) / 2, r.map100(), 1e-12);
  }

  @Test
  void cutOffsAreRespected() {
    List<String> ranked = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      ranked.add("n" + i);
    }
    ranked.set(100, "rel"); // rank 101: outside every cut-off
    IrMetrics.Result r = IrMetrics.evaluate(Map.of("q", Map.of("rel", 1)), Map.of("q", ranked));
    assertEquals(0, r.ndcg10());
    assertEquals(0, r.recall100());
    assertEquals(0, r.map100());
    ranked.set(9, "rel"); // rank 10: inside
    r = IrMetrics.evaluate(Map.of("q", Map.of("rel", 1)), Map.of("q", ranked));
    assertEquals(1 / (Math.log(11) / Math.log(2)), r.ndcg10(), 1e-12);
    assertEquals(0.1, r.mrr10(), 1e-12);
    assertEquals(0.1, r.map100(), 1e-12);
  }

  @Test
  void perfectRankingScoresOneAndMissingRankingScoresZero() {
    IrMetrics.Result r = IrMetrics.evaluate(Map.of("a", Map.of("d1", 2, "d2", 1), "b", Map.of("d3", 1)),
        Map.of("a", List.of("d1", "d2")));
    assertEquals(0.5, r.ndcg10(), 1e-12);
    assertEquals(0.5, r.map100(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> IrMetrics.evaluate(Map.of("a", Map.of("d", 0)), Map.of()));
  }

  @Test
  void exactRetrievalRanksByDotAndSkipsTheQueryItself() {
    FloatMatrix q = FloatMatrix.fromRows(new float[][] {{1, 0}, {0, 1}});
    FloatMatrix d = FloatMatrix.fromRows(new float[][] {{0.6f, 0.8f}, {1, 0}, {0.8f, 0.6f}});
    Map<String, List<String>> r = ExactRetrieval.rank(List.of("a", "b"), q, List.of("x", "a", "y"), d, 2);
    assertEquals(List.of("y", "x"), r.get("a"), "document 'a' is the query itself");
    assertEquals(List.of("x", "y"), r.get("b"));
  }
}
