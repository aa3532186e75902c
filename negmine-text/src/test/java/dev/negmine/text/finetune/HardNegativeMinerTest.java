package dev.negmine.text.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.FloatMatrix;
import org.junit.jupiter.api.Test;

/**
 * Mining against hand-computed cases: one query along x, documents at known angles, so every
 * score is a cosine written down here.
 */
class HardNegativeMinerTest {
  /** Unit vectors at these angles (degrees) from the x axis. */
  private static FloatMatrix at(double... degrees) {
    float[] d = new float[degrees.length * 2];
    for (int i = 0; i < degrees.length; i++) {
      d[2 * i] = (float) Math.cos(Math.toRadians(degrees[i]));
      d[2 * i + 1] = (float) Math.sin(Math.toRadians(degrees[i]));
    }
    return FloatMatrix.of(degrees.length, 2, d);
  }

  // documents: 0 positive (cos 20 = 0.9397); 1 cos 10 = 0.9848 (above the positive); 2 cos 25 = 0.9063;
  // 3 cos 30 = 0.8660; 4 cos 60 = 0.5; 5 cos 90 = 0; 6 the positive's text under another id (cos 5)
  private static final FloatMatrix DOCS = at(20, 10, 25, 30, 60, 90, 5);
  private static final FloatMatrix QUERY = at(0);
  private static final int[] GROUPS = {0, 1, 2, 3, 4, 5, 0};

  private static int[] mine(MiningRule rule) {
    return HardNegativeMiner.mine(QUERY, DOCS, new int[][] {{0}}, GROUPS, rule, 1)[0];
  }

  private static MiningRule rule(int rangeMin, int rangeMax, double min, double max, double abs, double rel, int count, String s) {
    return new MiningRule(rangeMin, rangeMax, min, max, abs, rel, count, s);
  }

  @Test
  void relativeMarginKeepsOnlyCandidatesBelowThePositive() {
    // 5%: threshold 0.9397 * 0.95 = 0.8927 -> doc 1 (0.985) and doc 2 (0.906) are too close; doc 6 is the positive's text
    assertArrayEquals(new int[] {3, 4, 5}, mine(rule(0, 100, Double.NaN, Double.NaN, Double.NaN, 0.05, 3, "top")));
    // no margin: everything but the positive's text group, most similar first
    assertArrayEquals(new int[] {1, 2, 3, 4, 5}, mine(rule(0, 100, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 9, "top")));
  }

  @Test
  void absoluteMarginScoreBoundsAndRanges() {
    // absolute 0.05: <= 0.8897 -> 3, 4, 5
    assertArrayEquals(new int[] {3, 4}, mine(rule(0, 100, Double.NaN, Double.NaN, 0.05, Double.NaN, 2, "top")));
    // max score 0.95 drops doc 1; min score 0.4 drops doc 5
    assertArrayEquals(new int[] {2, 3, 4}, mine(rule(0, 100, 0.4, 0.95, Double.NaN, Double.NaN, 9, "top")));
    // range: ranks 1..2 of the candidates (1, 2, 3, 4, 5) -> skip doc 1, stop after doc 3
    assertArrayEquals(new int[] {2, 3}, mine(rule(1, 3, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 9, "top")));
  }

  @Test
  void randomSamplingIsSeededAndDrawsFromTheAdmitted() {
    MiningRule r = rule(0, 100, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 2, "random");
    int[] a = mine(r);
    assertArrayEquals(a, mine(r));
    assertEquals(2, a.length);
    assertTrue(a[0] < a[1] || DOCS.get(a[0], 0) > DOCS.get(a[1], 0), "kept in rank order");
    for (int d : a) {
      assertTrue(d >= 1 && d <= 5, "drawn from the admitted: " + d);
    }
  }

  @Test
  void negativePositiveScoreUsesItsMagnitude() {
    // sentence-transformers: positive - |positive| * margin, so a negative positive score still leaves room below it
    MiningRule r = rule(0, 100, Double.NaN, Double.NaN, Double.NaN, 0.1, 1, "top");
    assertTrue(r.admits(-0.6, -0.5));
    assertFalse(r.admits(-0.5, -0.5));
    assertFalse(r.admits(0.46, 0.5));
    assertTrue(r.admits(0.45, 0.5));
  }

  @Test
  void severalPositivesMeasureFromTheLeastSimilar() {
    // positives 0 (0.940) and 3 (0.866): threshold 0.866 * 0.95 = 0.823 -> doc 4 (0.5) and doc 5
    int[] got = HardNegativeMiner.mine(QUERY, DOCS, new int[][] {{0, 3}}, GROUPS,
        rule(0, 100, Double.NaN, Double.NaN, Double.NaN, 0.05, 5, "top"), 1)[0];
    assertArrayEquals(new int[] {4, 5}, got);
  }
}
