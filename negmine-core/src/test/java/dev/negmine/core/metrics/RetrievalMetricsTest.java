package dev.negmine.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-computed cases; the arithmetic is in the comments. */
class RetrievalMetricsTest {
  private static final double EPS = 1e-12;

  /** 1-D points; L2 between integers is exact in float32, so these ranks are exact. */
  private static FloatMatrix line(float... xs) {
    return FloatMatrix.of(xs.length, 1, xs.clone());
  }

  @Test
  void fivePointsOnALine() {
    // x = 0 1 3 6 10, labels A A B A B (A=0, B=1). Rankings (closest first, ties -> lowest index):
    // q0 (0,A): 1A 2B 3A 4B        R=2  rel 1 0 1 0  P@1=1 Rprec=1/2 AP@R=(1/1)/2=1/2   RR=1
    // q1 (1,A): 0A 2B 3A 4B        R=2  rel 1 0 1 0  P@1=1 Rprec=1/2 AP@R=1/2           RR=1
    // q2 (3,B): 1A(2) 0A(3) 3A(3) 4B  R=1 rel 0 0 0 1  P@1=0 Rprec=0 AP@R=0            RR=1/4
    // q3 (6,A): 2B 4B 1A 0A        R=2  rel 0 0 1 1  P@1=0 Rprec=0 AP@R=0              RR=1/3
    // q4 (10,B): 3A 2B 1A 0A       R=1  rel 0 1 0 0  P@1=0 Rprec=0 AP@R=0              RR=1/2
    // P@1 = 2/5; R-precision = (1/2+1/2)/5 = 1/5; MAP@R = 1/5;
    // MRR = (1 + 1 + 1/4 + 1/3 + 1/2)/5 = (37/12)/5 = 37/60.
    // first-hit ranks 1 1 4 3 2: recall@1 = 2/5, @2 = 3/5, @4 = 5/5, @8 = 1 (only 4 others).
    RetrievalResult r = RetrievalMetrics.evaluate(line(0, 1, 3, 6, 10), new long[] {0, 0, 1, 0, 1},
        RetrievalConfig.defaults().withDistance(Distance.L2));
    assertEquals(5, r.queries());
    assertEquals(0, r.skippedQueries());
    assertEquals(0.4, r.precisionAt1(), EPS);
    assertEquals(0.2, r.rPrecision(), EPS);
    assertEquals(0.2, r.mapAtR(), EPS);
    assertEquals(37.0 / 60, r.mrr(), EPS);
    assertEquals(0.4, r.recallAt(1), EPS);
    assertEquals(0.6, r.recallAt(2), EPS);
    assertEquals(1.0, r.recallAt(4), EPS);
    assertEquals(1.0, r.recallAt(8), EPS);
  }

  @Test
  void sixPointsWithLargerClasses() {
    // x = 0..5, labels A A B A A B.
    // q0 (0,A): 1A 2B 3A 4A 5B   R=3 rel 1 0 1 1 0  Rprec=2/3 AP@R=(1/1 + 2/3)/3 = 5/9   RR=1
    // q1 (1,A): 0A 2B 3A 4A 5B   (0 and 2 tie at 1 -> 0 first)  same as q0        RR=1
    // q2 (2,B): 1A 3A 0A 4A 5B   R=1 rel 0 0 0 0 1  Rprec=0 AP@R=0                    RR=1/5
    // q3 (3,A): 2B 4A 1A 5B 0A   R=3 rel 0 1 1 0 1  Rprec=2/3 AP@R=(1/2 + 2/3)/3 = 7/18 RR=1/2
    // q4 (4,A): 3A 5B 2B 1A 0A   R=3 rel 1 0 0 1 1  Rprec=1/3 AP@R=(1/1)/3 = 1/3       RR=1
    // q5 (5,B): 4A 3A 2B 1A 0A   R=1 rel 0 0 1 0 0  Rprec=0 AP@R=0                    RR=1/3
    // P@1 = 3/6; R-precision = (2/3+2/3+2/3+1/3)/6 = 7/18;
    // MAP@R = (5/9+5/9+7/18+1/3)/6 = (33/18)/6 = 11/36; MRR = (3 + 1/5 + 1/2 + 1/3)/6 = 121/180.
    // first-hit ranks 1 1 5 2 1 3: recall@1 = 3/6, @2 = 4/6, @4 = 5/6, @8 = 1.
    FloatMatrix x = line(0, 1, 2, 3, 4, 5);
    long[] y = {0, 0, 1, 0, 0, 1};
    RetrievalResult r = RetrievalMetrics.evaluate(x, y, RetrievalConfig.defaults().withDistance(Distance.L2));
    assertEquals(0.5, r.precisionAt1(), EPS);
    assertEquals(7.0 / 18, r.rPrecision(), EPS);
    assertEquals(11.0 / 36, r.mapAtR(), EPS);
    assertEquals(121.0 / 180, r.mrr(), EPS);
    assertEquals(0.5, r.recallAt(1), EPS);
    assertEquals(4.0 / 6, r.recallAt(2), EPS);
    assertEquals(5.0 / 6, r.recallAt(4), EPS);
    assertEquals(1.0, r.recallAt(8), EPS);

    // With only recall@1 the heaps hold max(R, 1) keys: q2 (first hit at 5 > 1) and q5 (3 > 1)
    // take the counting pass; every value must be unchanged.
    RetrievalResult narrow = RetrievalMetrics.evaluate(x, y,
        new RetrievalConfig(Distance.L2, List.of(1)));
    assertEquals(r.mrr(), narrow.mrr(), EPS);
    assertEquals(r.mapAtR(), narrow.mapAtR(), EPS);
    assertEquals(r.rPrecision(), narrow.rPrecision(), EPS);
    assertEquals(r.precisionAt1(), narrow.precisionAt1(), EPS);
    // Squared L2 ranks like L2.
    RetrievalResult sq = RetrievalMetrics.evaluate(x, y, RetrievalConfig.defaults().withDistance(Distance.SQUARED_L2));
    assertEquals(Distance.SQUARED_L2, sq.distance());
    assertEquals(r.mapAtR(), sq.mapAtR(), EPS);
    assertEquals(r.mrr(), sq.mrr(), EPS);
    assertEquals(r.recallAtK(), sq.recallAtK());
  }

  @Test
  void tiesGoToTheLowestIndex() {
    // x = 0 1 -1: items 1 and 2 are both at distance 1 from item 0, so item 1 ranks first.
    // labels A B A: q0 ranks 1B 2A -> P@1=0, RR=1/2, R=1: Rprec=0, AP=0.
    //               q1 (B) is skipped. q2 (-1,A): 0A(1) 1B(2) -> all 1.
    // Means over 2 queries: P@1 = 1/2, MRR = (1/2 + 1)/2 = 3/4, Rprec = MAP = 1/2.
    RetrievalConfig l2 = RetrievalConfig.defaults().withDistance(Distance.L2);
    RetrievalResult r = RetrievalMetrics.evaluate(line(0, 1, -1), new long[] {0, 1, 0}, l2);
    assertEquals(2, r.queries());
    assertEquals(1, r.skippedQueries());
    assertEquals(0.5, r.precisionAt1(), EPS);
    assertEquals(0.75, r.mrr(), EPS);
    assertEquals(0.5, r.rPrecision(), EPS);
    assertEquals(0.5, r.mapAtR(), EPS);
    // labels A A B: q0 ranks 1A 2B -> all 1; q1 (1,A): 0A(1) 2B(2) -> all 1; q2 skipped.
    RetrievalResult s = RetrievalMetrics.evaluate(line(0, 1, -1), new long[] {0, 0, 1}, l2);
    assertEquals(1.0, s.precisionAt1(), EPS);
    assertEquals(1.0, s.mrr(), EPS);
    assertEquals(1.0, s.mapAtR(), EPS);

    // Identical embeddings: every score ties, so the ranking is by index.
    // x all equal, labels B A A B (cosine): q0 (B): 1A 2A 3B -> RR=1/3, R=1: Rprec=0, AP=0.
    // q1 (A): 0B 2A 3B -> RR=1/2, R=1 -> 0. q2 (A): 0B 1A 3B -> RR=1/2. q3 (B): 0B 1A 2A -> RR=1, Rprec=AP=1.
    // P@1 = 1/4; MRR = (1/3 + 1/2 + 1/2 + 1)/4 = (7/3)/4 = 7/12; Rprec = MAP = 1/4.
    FloatMatrix same = FloatMatrix.fromRows(new float[][] {{1, 2}, {1, 2}, {1, 2}, {1, 2}});
    RetrievalResult t = RetrievalMetrics.evaluate(same, new long[] {1, 0, 0, 1});
    assertEquals(0.25, t.precisionAt1(), EPS);
    assertEquals(7.0 / 12, t.mrr(), EPS);
    assertEquals(0.25, t.rPrecision(), EPS);
    assertEquals(0.25, t.mapAtR(), EPS);
  }

  @Test
  void cosineOnUnitCircle() {
    // Angles 0, 10, 90, 100, 180 degrees; labels A A B B A.
    // q0 (0): 10A, 90B, 100B, 180A -> R=2 rel 1 0 0 1: Rprec=1/2 AP=(1)/2=1/2 RR=1
    // q1 (10): 0A, 90B, 100B, 180A -> same: Rprec=1/2 AP=1/2 RR=1
    // q2 (90): 100B, 10A, 0A / 180A tie at cos=0 -> 0 before 180 -> R=1 rel 1: all 1
    // q3 (100): 90B ... -> all 1
    // q4 (180): 100B (cos 80=.17), 90B (0), 10A (-.98), 0A (-1) -> R=2 rel 0 0 1 1: Rprec=0, AP=0, RR=1/3
    // P@1 = 4/5; Rprec = MAP = (1/2+1/2+1+1+0)/5 = 3/5; MRR = (4 + 1/3)/5 = 13/15.
    double[] deg = {0, 10, 90, 100, 180};
    float[][] rows = new float[5][];
    for (int i = 0; i < 5; i++) {
      double a = Math.toRadians(deg[i]);
      rows[i] = new float[] {(float) Math.cos(a) * 3, (float) Math.sin(a) * 3};
    }
    RetrievalResult r = RetrievalMetrics.evaluate(FloatMatrix.fromRows(rows), new long[] {0, 0, 1, 1, 0});
    assertEquals(0.8, r.precisionAt1(), EPS);
    assertEquals(0.6, r.rPrecision(), EPS);
    assertEquals(0.6, r.mapAtR(), EPS);
    assertEquals(13.0 / 15, r.mrr(), EPS);
  }

  @Test
  void singletonClassesAreSkipped() {
    RetrievalResult none = RetrievalMetrics.evaluate(line(1, 2, 3), new long[] {1, 2, 3});
    assertEquals(0, none.queries());
    assertEquals(3, none.skippedQueries());
    assertTrue(Double.isNaN(none.precisionAt1()));
    assertTrue(Double.isNaN(none.recallAt(4)));
    assertTrue(none.toJson().contains("\"precision_at_1\": null"));

    RetrievalResult empty = RetrievalMetrics.evaluate(FloatMatrix.zeros(0, 4), new long[0]);
    assertEquals(0, empty.items());

    // x = 0 1 5 9 with labels A A C D: C and D are alone; A's two items find each other first.
    RetrievalResult some = RetrievalMetrics.evaluate(line(0, 1, 5, 9), new long[] {0, 0, 2, 3},
        RetrievalConfig.defaults().withDistance(Distance.L2));
    assertEquals(2, some.queries());
    assertEquals(2, some.skippedQueries());
    assertEquals(1.0, some.mapAtR(), EPS);
  }

  @Test
  void jsonAndValidation() {
    RetrievalResult r = RetrievalMetrics.evaluate(line(0, 1, 3, 6, 10), new long[] {0, 0, 1, 0, 1},
        new RetrievalConfig(Distance.L2, List.of(2, 1)));
    assertEquals(37.0 / 60, r.mrr(), EPS);
    assertEquals("{\"distance\": \"l2\", \"items\": 5, \"queries\": 5, \"skipped_queries\": 0,"
        + " \"precision_at_1\": 0.4, \"recall_at_k\": {\"1\": 0.4, \"2\": 0.6}, \"r_precision\": 0.2,"
        + " \"mean_average_precision_at_r\": 0.2, \"mean_reciprocal_rank\": " + r.mrr() + "}", r.toJson());
    assertThrows(IllegalArgumentException.class,
        () -> RetrievalMetrics.evaluate(line(0, 1), new long[] {0}));
    assertThrows(IllegalArgumentException.class,
        () -> RetrievalMetrics.evaluate(line(0, 1), new long[] {0, 0}), "zero row under cosine");
    assertThrows(IllegalArgumentException.class,
        () -> RetrievalMetrics.evaluate(line(Float.NaN, 1), new long[] {0, 0},
            RetrievalConfig.defaults().withDistance(Distance.L2)));
    assertThrows(IllegalArgumentException.class, () -> RetrievalConfig.defaults().withRecallKs(0));
    assertEquals(List.of(1, 5), RetrievalConfig.defaults().withRecallKs(5, 1, 5).recallKs());
    assertThrows(IllegalArgumentException.class, () -> new RetrievalResult(Distance.L2, 2, -1,
        0, new java.util.TreeMap<>(), 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new RetrievalResult(Distance.L2, 2, 0,
        1.5, new java.util.TreeMap<>(), 0, 0, 0));
  }
}
