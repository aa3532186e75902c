package dev.negmine.text.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.text.retrieval.Document;
import dev.negmine.text.retrieval.RetrievalData;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchPlanTest {
  /**
   * 30 queries over 12 documents: documents 0-5 are each the positive of three queries, documents
   * 6 and 7 share one text, and two queries have the same text.
   */
  static RetrievalData data(boolean dev) {
    List<Document> corpus = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      corpus.add(new Document("d" + i, "", i == 7 ? "text 6" : "text " + i));
    }
    Map<String, String> queries = new LinkedHashMap<>();
    Map<String, Map<String, Integer>> train = new LinkedHashMap<>();
    for (int q = 0; q < 30; q++) {
      queries.put("q" + q, q == 29 ? "query 0" : "query " + q);
      Map<String, Integer> rel = new LinkedHashMap<>();
      rel.put("d" + (q < 18 ? q % 6 : q % 12), 1);
      if (q == 20) {
        rel.put("d7", 1);
      }
      train.put("q" + q, rel);
    }
    Map<String, Map<String, Map<String, Integer>>> qrels = new LinkedHashMap<>();
    qrels.put("train", train);
    if (dev) {
      queries.put("v0", "dev query");
      qrels.put("dev", Map.of("v0", Map.of("d3", 1)));
    }
    return new RetrievalData(corpus, queries, qrels, Map.of(), "test data");
  }

  @Test
  void everyQueryOncePerEpochWithoutDuplicateTextsInABatch() {
    TrainingQueries tq = TrainingQueries.of(data(true), 1);
    assertEquals(30, tq.size());
    assertEquals("dev", tq.devSplit());
    List<List<BatchPlan.Row>> plan = BatchPlan.epoch(tq, 8, 5, 0);
    Set<Integer> seen = new HashSet<>();
    for (List<BatchPlan.Row> b : plan) {
      assertTrue(b.size() <= 8);
      Set<String> qt = new HashSet<>();
      Set<Integer> groups = new HashSet<>();
      for (BatchPlan.Row r : b) {
        assertTrue(seen.add(r.query()), "query twice in an epoch");
        assertTrue(qt.add(tq.texts().get(r.query())), "query text twice in a batch");
        assertTrue(groups.add(tq.textGroup()[r.positive()]), "document text twice in a batch");
        assertTrue(tq.isPositive(r.query(), r.positive()));
      }
    }
    assertEquals(30, seen.size());
    // documents 6 and 7 share a text: one group
    assertEquals(tq.textGroup()[6], tq.textGroup()[7]);
    assertEquals("q18", tq.ids().get(18));
    assertTrue(tq.isPositive(18, 7), "d7 has the text of q18's positive d6: it counts as a positive");
    assertEquals(plan, BatchPlan.epoch(tq, 8, 5, 0), "a pure function of seed and epoch");
    assertNotEquals(plan, BatchPlan.epoch(tq, 8, 5, 1));
  }

  @Test
  void withoutADevSplitASeededSliceOfTrainingIsHeldOut() {
    TrainingQueries a = TrainingQueries.of(data(false), 3);
    assertEquals("train (held out)", a.devSplit());
    assertEquals(2, a.devQrels().size()); // 5% of 30, rounded
    assertEquals(28, a.size());
    for (String q : a.devQrels().keySet()) {
      assertTrue(!a.ids().contains(q), "a held-out query does not train");
    }
    assertEquals(a.devQrels().keySet(), TrainingQueries.of(data(false), 3).devQrels().keySet());
  }

  @Test
  void scheduleWarmsUpThenDecaysLinearly() {
    FineTuneConfig.Schedule s = FineTuneConfig.Schedule.defaults();
    // 100 steps, 10 of warm-up: 2e-5 * 1/10 at step 0, the peak at step 9, then (100 - s) / 90 of it
    assertEquals(2e-6, s.learningRateAt(0, 100), 1e-15);
    assertEquals(2e-5, s.learningRateAt(9, 100), 1e-15);
    assertEquals(2e-5 * 90 / 90.0, s.learningRateAt(10, 100), 1e-15);
    assertEquals(2e-5 * 45 / 90.0, s.learningRateAt(55, 100), 1e-15);
    assertEquals(2e-5 / 90.0, s.learningRateAt(99, 100), 1e-15);
  }
}
