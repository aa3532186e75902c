package dev.negmine.text.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.text.retrieval.Document;
import dev.negmine.text.retrieval.RetrievalData;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The dynamic index as a fine-tuning source, on synthetic unit embeddings checked by brute force. */
class DynamicCorpusTest {
  static final int DOCS = 60;
  static final int DIM = 8;

  /** Query q{i} judges d{i} relevant; q0 also d1 (two positives). */
  static TrainingQueries queries() {
    List<Document> corpus = new ArrayList<>();
    Map<String, String> qs = new LinkedHashMap<>();
    Map<String, Map<String, Integer>> train = new LinkedHashMap<>();
    for (int i = 0; i < DOCS; i++) {
      corpus.add(new Document("d" + i, "", "document number " + i));
      qs.put("q" + i, "query number " + i);
      train.put("q" + i, i == 0 ? Map.of("d0", 1, "d1", 1) : Map.of("d" + i, 1));
    }
    return TrainingQueries.of(new RetrievalData(corpus, qs, Map.of("train", train), Map.of(), "synthetic"), 1);
  }

  static FloatMatrix unitRows(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    FloatMatrix m = FloatMatrix.zeros(n, DIM);
    for (int i = 0; i < n; i++) {
      double norm = 0;
      for (int c = 0; c < DIM; c++) {
        float v = (float) r.nextGaussian();
        m.set(i, c, v);
        norm += v * v;
      }
      for (int c = 0; c < DIM; c++) {
        m.set(i, c, (float) (m.get(i, c) / Math.sqrt(norm)));
      }
    }
    return m;
  }

  static double dot(FloatMatrix a, int i, FloatMatrix b, int j) {
    double s = 0;
    for (int c = 0; c < a.cols(); c++) {
      s += a.get(i, c) * b.get(j, c);
    }
    return s;
  }

  @Test
  void drawsSkipPositivesRepeatsAndWhatTheRuleRejects() {
    TrainingQueries tq = queries();
    FloatMatrix docs = unitRows(DOCS, 3);
    MiningRule rule = MiningRule.defaults(); // relative margin 0.05
    DynamicCorpus dc = new DynamicCorpus(docs, tq, rule, 20, 0.05, 7, 0);
    int[] qs = {0, 5, 9, 17, 33};
    FloatMatrix q = unitRows(qs.length, 11);
    int[][] got = dc.draw(qs, q, 3, 4);
    assertArrayEquals(got, dc.draw(qs, q, 3, 4), "the same step draws the same negatives");
    for (int i = 0; i < qs.length; i++) {
      assertTrue(got[i].length <= 3);
      Set<Integer> seen = new HashSet<>();
      double pos = Double.POSITIVE_INFINITY;
      for (int p : tq.positives()[qs[i]]) {
        pos = Math.min(pos, dot(q, i, docs, p));
      }
      for (int d : got[i]) {
        assertTrue(seen.add(d), "no document twice");
        assertFalse(tq.isPositive(qs[i], d), "query " + qs[i] + " drew its positive " + d);
        double s = dot(q, i, docs, d);
        assertTrue(s <= pos - Math.abs(pos) * 0.05 + 1e-6, "draw " + d + " scores " + s + " against the positive's " + pos);
      }
    }
  }

  @Test
  void drawsFollowTheSoftmaxOverTheCorpus() {
    TrainingQueries tq = queries();
    FloatMatrix docs = unitRows(DOCS, 3);
    MiningRule topK = new MiningRule(0, 100, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 1, "top");
    double tau = 0.1;
    DynamicCorpus dc = new DynamicCorpus(docs, tq, topK, 20, tau, 7, 0);
    // query 4 points halfway between documents 10 and 11; its positive is document 4
    FloatMatrix q = FloatMatrix.zeros(1, DIM);
    double norm = 0;
    for (int c = 0; c < DIM; c++) {
      float v = docs.get(10, c) + docs.get(11, c);
      q.set(0, c, v);
      norm += v * v;
    }
    for (int c = 0; c < DIM; c++) {
      q.set(0, c, (float) (q.get(0, c) / Math.sqrt(norm)));
    }
    // reference: the softmax exp(<q, d> / tau) over every document but the positive
    double[] p = new double[DOCS];
    double z = 0;
    for (int d = 0; d < DOCS; d++) {
      p[d] = d == 4 ? 0 : Math.exp(dot(q, 0, docs, d) / tau);
      z += p[d];
    }
    int steps = 4000;
    double[] seen = new double[DOCS];
    int kept = 0;
    for (int s = 0; s < steps; s++) {
      // a step whose OVERDRAW draws all hit the positive keeps none (the caller tops up)
      for (int d : dc.draw(new int[] {4}, q, 1, s)[0]) {
        seen[d]++;
        kept++;
      }
    }
    assertTrue(kept > 0.95 * steps, kept + " of " + steps + " steps kept a draw");
    for (int d = 0; d < DOCS; d++) {
      seen[d] /= kept;
    }
    double tv = 0;
    for (int d = 0; d < DOCS; d++) {
      tv += Math.abs(seen[d] - p[d] / z) / 2;
    }
    assertEquals(0, seen[4], "never the positive");
    assertTrue(p[10] / z > 0.2, "the reference puts weight on the documents the query points at");
    assertTrue(tv < 0.05, "total variation to the exact softmax " + tv);
  }

  @Test
  void landmarksTrackALinearDriftWithinTheBudget() {
    TrainingQueries tq = queries();
    FloatMatrix docs = unitRows(DOCS, 3);
    // the "new weights": a rotation of the embedding space (keeps unit rows, so the drift is exactly linear)
    double a = 0.3;
    FloatMatrix moved = docs.copy();
    for (int r = 0; r < DOCS; r++) {
      for (int c = 0; c + 1 < DIM; c += 2) {
        float x = docs.get(r, c);
        float y = docs.get(r, c + 1);
        moved.set(r, c, (float) (Math.cos(a) * x - Math.sin(a) * y));
        moved.set(r, c + 1, (float) (Math.sin(a) * x + Math.cos(a) * y));
      }
    }
    DynamicCorpus dc = new DynamicCorpus(docs, tq, MiningRule.defaults(), 20, 0.05, 7, 0);
    int[] calls = {0};
    dc.refresh(0, ids -> {
      calls[0]++;
      return moved.gather(ids);
    });
    assertEquals(0, calls[0], "the step whose weights built the index re-embeds nothing");
    dc.refresh(1, ids -> {
      calls[0]++;
      assertEquals(20, ids.length, "the budget: 20 documents per step");
      return moved.gather(ids);
    });
    dc.refresh(1, ids -> moved.gather(ids));
    assertEquals(1, calls[0], "once per step");
    assertEquals(20, dc.encodedDocuments());
    double worst = 0;
    FloatMatrix est = dc.estimates();
    for (int r = 0; r < DOCS; r++) {
      for (int c = 0; c < DIM; c++) {
        worst = Math.max(worst, Math.abs(est.get(r, c) - moved.get(r, c)));
      }
    }
    // 20 landmarks determine the 9 x 8 affine map; the ridge (1e-4 of the trace) leaves a small bias
    assertTrue(worst < 2e-3, "every document's estimate is its moved embedding (worst error " + worst + ")");
    assertTrue(dc.lastResidual() < 1e-3, "residual " + dc.lastResidual());
  }
}
