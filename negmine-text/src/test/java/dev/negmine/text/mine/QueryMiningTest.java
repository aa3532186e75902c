package dev.negmine.text.mine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.text.finetune.MiningRule;
import dev.negmine.text.retrieval.Document;
import dev.negmine.text.retrieval.RetrievalData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output formats, the too-few-negatives counting and the statistics on a hand-built case. Every
 * text's embedding is the unit vector at a chosen angle; both queries lie along x, so every score is
 * a cosine. Query "a" has positives p1 (20deg) and p2 (30deg), query "b" has p3 (10deg); the
 * negatives on offer are n1 (40deg), n2 (50deg) and n3 (70deg), and "b" also sees n3 only through a
 * score bound. Two negatives are asked per query.
 */
class QueryMiningTest {
  private static final Map<String, Double> ANGLE = Map.of("a", 0.0, "b", 0.0, "p1", 20.0, "p2", 30.0, "p3", 10.0,
      "n1", 40.0, "n2", 50.0, "n3", 70.0, "p1 twin", 20.0);

  private static FloatMatrix embed(List<String> texts) {
    float[] d = new float[texts.size() * 2];
    for (int i = 0; i < texts.size(); i++) {
      double a = Math.toRadians(ANGLE.get(texts.get(i)));
      d[2 * i] = (float) Math.cos(a);
      d[2 * i + 1] = (float) Math.sin(a);
    }
    return FloatMatrix.of(texts.size(), 2, d);
  }

  private static double cos(double deg) {
    return (float) Math.cos(Math.toRadians(deg));
  }

  /** Corpus p1, p2, p3, n1, n2, n3 and a second id for p1's text; "a" judged twice against p1's text. */
  static MiningPairs pairs() {
    List<Document> corpus = List.of(new Document("d1", "", "p1"), new Document("d2", "", "p2"), new Document("d3", "", "p3"),
        new Document("d4", "", "n1"), new Document("d5", "", "n2"), new Document("d6", "", "n3"),
        new Document("d7", "", "p1"));
    Map<String, String> queries = new LinkedHashMap<>();
    queries.put("qa", "a");
    queries.put("qb", "b");
    Map<String, Map<String, Integer>> train = new LinkedHashMap<>();
    train.put("qa", new LinkedHashMap<>(Map.of("d1", 1)));
    train.get("qa").put("d2", 1);
    train.get("qa").put("d7", 1);
    train.put("qb", Map.of("d3", 1));
    return MiningPairs.of(new RetrievalData(corpus, queries, Map.of("train", train), Map.of(), "fixture"), "train");
  }

  /** "b"'s candidates: p1 .94, p2 .87, n1 .77, n2 .64, n3 .34; min score .5 leaves it n... see each test. */
  private static QueryMining.Result run(OutputFormat f, boolean scores, double minScore) {
    MiningRule rule = new MiningRule(0, 10, minScore, Double.NaN, Double.NaN, Double.NaN, 2, "top");
    return QueryMining.run(pairs(), QueryMiningTest::embed, QueryMiningTest::embed, rule, f, scores, null, 1);
  }

  @Test
  void pairsDeduplicateByTextAndCountJudgments() {
    MiningPairs p = pairs();
    assertEquals(List.of("a", "b"), p.anchors());
    assertEquals(2, p.positives()[0].length, "d7 is d1's text: one positive");
    assertEquals(3, p.maxPositives(), "three judgments for a");
    assertEquals(4, p.pairRows());
    // no filter: 0 + 2 + 3; a margin or max_score: 0 + 20 + 3
    assertEquals(5, p.defaultRangeMax(0, 2, false));
    assertEquals(24, p.defaultRangeMax(1, 2, true));
  }

  @Test
  void tripletRowsPerPositiveAndNegativeWithScores() {
    // "a" (positives p1, p2): candidates p3 .98, n1 .77, n2 .64 -> p3, n1 (p3 is b's positive, a's negative)
    // "b" (p3): with min score .7 only p1 .94, p2 .87, n1 .77 pass -> p1, p2
    QueryMining.Result r = run(OutputFormat.TRIPLET, true, 0.7);
    List<Map<String, Object>> rows = r.rows().rows();
    assertEquals(6, rows.size(), "2 positives x 2 negatives for a, 1 x 2 for b");
    assertEquals(List.of("anchor", "positive", "negative", "scores"), List.copyOf(rows.get(0).keySet()));
    assertEquals("p1", rows.get(0).get("positive"));
    assertEquals("p3", rows.get(0).get("negative"));
    assertEquals("n1", rows.get(1).get("negative"));
    assertEquals("p2", rows.get(2).get("positive"));
    @SuppressWarnings("unchecked")
    List<Double> s = (List<Double>) rows.get(0).get("scores");
    assertEquals(cos(20), s.get(0), 1e-6);
    assertEquals(cos(10), s.get(1), 1e-6);
    assertEquals(0, r.rows().missing());
    assertEquals(6, r.report().negative().count());
    assertEquals(3, r.report().positive().count());
  }

  @Test
  void tooFewNegativesFollowEachFormatsRule() {
    // min score .75: "a" keeps p3 .98, n1 .77 (2); "b" keeps p1 .94, p2 .87, n1 .77 -> 2 as well.
    // min score .9: "a" keeps p3 only (1 of 2); "b" keeps p1 only (1 of 2)
    QueryMining.Result t = run(OutputFormat.TRIPLET, false, 0.9);
    assertEquals(3, t.rows().rows().size());
    assertEquals(6, t.rows().maximumPossible());
    assertEquals(3, t.rows().missing());
    assertFalse(t.rows().rows().get(0).containsKey("scores"));

    QueryMining.Result n = run(OutputFormat.N_TUPLE, false, 0.9);
    assertEquals(0, n.rows().rows().size(), "no query found both negatives");
    assertEquals(3, n.rows().missing());
    assertEquals(0, n.report().negative().count());

    QueryMining.Result l = run(OutputFormat.LABELED_LIST, false, 0.9);
    assertEquals(3, l.rows().rows().size(), "one row per (anchor, positive) with at least one negative");
    assertEquals(List.of("p1", "p3"), l.rows().rows().get(0).get("positive"));
    assertEquals(List.of(1, 0), l.rows().rows().get(0).get("labels"));
    assertEquals(0, l.rows().missing());

    QueryMining.Result p = run(OutputFormat.LABELED_PAIR, false, 0.9);
    // a: p1, p2, then p3; b: p3, then p1 -> 5 rows of 2 queries x 2 negatives + 4 judgments
    assertEquals(5, p.rows().rows().size());
    assertEquals(8, p.rows().maximumPossible());
    assertEquals(List.of(1, 1, 0, 1, 0), p.rows().rows().stream().map(x -> x.get("label")).toList());
    assertEquals(List.of("p1", "p2", "p3", "p3", "p1"), p.rows().rows().stream().map(x -> x.get("positive")).toList());
    assertTrue(p.report().lines().stream().anyMatch(x -> x.equals("Could not find enough negatives for 3 samples (37.50%)."
        + " Consider adjusting the range_max parameter if you'd like to find more valid negatives.")), p.report().lines().toString());
  }

  @Test
  void nTupleAndScoredFormatsNameTheirColumnsAsSentenceTransformers() {
    QueryMining.Result n = run(OutputFormat.N_TUPLE, true, Double.NaN);
    assertEquals(List.of("anchor", "positive", "negative_1", "negative_2", "scores"), List.copyOf(n.rows().rows().get(0).keySet()));
    assertEquals(3, ((List<?>) n.rows().rows().get(0).get("scores")).size());
    QueryMining.Result p = run(OutputFormat.LABELED_PAIR, true, Double.NaN);
    assertEquals(List.of("anchor", "positive", "score"), List.copyOf(p.rows().rows().get(0).keySet()));
    assertEquals(cos(20), (Double) p.rows().rows().get(0).get("score"), 1e-6);
    QueryMining.Result l = run(OutputFormat.LABELED_LIST, true, Double.NaN);
    assertEquals(List.of("anchor", "positive", "scores"), List.copyOf(l.rows().rows().get(0).keySet()));
  }

  @Test
  void statisticsTableAndFiles(@TempDir Path dir) throws Exception {
    QueryMining.Result r = run(OutputFormat.TRIPLET, true, 0.7);
    List<String> lines = r.report().lines();
    assertEquals("Metric       Positive       Negative     Difference", lines.get(0));
    assertEquals("Count               3              6               ", lines.get(1));
    // positives .9397, .8660, .9848: mean .9302, lower median .9397
    assertEquals(String.format(java.util.Locale.ROOT, "%-6s %14.4f", "Mean", (cos(20) + cos(30) + cos(10)) / 3),
        lines.get(2).substring(0, 21));
    assertTrue(lines.get(9).startsWith("Max            0.9848"), lines.get(9));
    Path out = dir.resolve("mined.jsonl");
    MinedRowsFile.write(out, r.rows(), r.report().toMap());
    assertEquals(6, Files.readAllLines(out).size());
    String stats = Files.readString(dir.resolve("mined.stats.json"));
    assertTrue(stats.contains("\"positive\""), stats);
    assertThrows(IllegalArgumentException.class, () -> OutputFormat.parse("pairs"));
  }

  @Test
  void scoreSummaryUsesTorchsDefinitions() {
    ScoreSummary s = ScoreSummary.of(new double[] {4, 1, 3, 2});
    assertEquals(2.5, s.mean(), 1e-12);
    assertEquals(2, s.median(), 0, "torch.median: the lower middle");
    assertEquals(Math.sqrt(5.0 / 3), s.std(), 1e-12, "sample deviation");
    assertEquals(1.75, s.q25(), 1e-12);
    assertEquals(2.5, s.q50(), 1e-12);
    assertEquals(3.25, s.q75(), 1e-12);
    ScoreSummary e = ScoreSummary.of(new double[0]);
    assertEquals("inf", MiningReport.number(e.min()));
    assertEquals("-inf", MiningReport.number(e.max()));
    assertEquals("nan", MiningReport.number(e.mean()));
  }
}
