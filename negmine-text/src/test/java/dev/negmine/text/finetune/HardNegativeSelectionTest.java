package dev.negmine.text.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.index.HnswParams;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * sentence-transformers' {@code mine_hard_negatives} selection, one option at a time, against
 * cases worked out by hand: the query lies along x, each document is the unit vector at a given
 * angle, so its score is the cosine of that angle (written next to each case).
 */
class HardNegativeSelectionTest {
  private static final double NONE = Double.NaN;

  private static FloatMatrix at(double... degrees) {
    float[] d = new float[degrees.length * 2];
    for (int i = 0; i < degrees.length; i++) {
      d[2 * i] = (float) Math.cos(Math.toRadians(degrees[i]));
      d[2 * i + 1] = (float) Math.sin(Math.toRadians(degrees[i]));
    }
    return FloatMatrix.of(degrees.length, 2, d);
  }

  private static int[] groups(int n) {
    int[] g = new int[n];
    for (int i = 0; i < n; i++) {
      g[i] = i;
    }
    return g;
  }

  private static MiningRule rule(int rangeMin, int rangeMax, double min, double max, double abs, double rel, int count,
      String sampling) {
    return new MiningRule(rangeMin, rangeMax, min, max, abs, rel, count, sampling);
  }

  // 0 P 20deg .9397 (positive); 1 A 10deg .9848; 2 B 25deg .9063; 3 C 30deg .8660; 4 D 40deg .7660; 5 E 60deg .5
  private static final FloatMatrix DOCS = at(20, 10, 25, 30, 40, 60);
  private static final FloatMatrix Q = at(0);

  private static MinedNegatives mine(MiningRule r) {
    return HardNegativeMiner.select(Q, DOCS, new int[][] {{0}}, groups(6), 1, r, 7);
  }

  @Test
  void rangeMinSkipsSurvivorsOfTheFiltersNotRawRanks() {
    // relative 0.05: threshold .9397 - .0470 = .8927 drops A, B; survivors C, D, E; skip 1 -> D
    // (skipping raw rank 0 (A) first and then filtering would give C)
    MinedNegatives m = mine(rule(1, 10, NONE, NONE, NONE, 0.05, 1, "top"));
    assertArrayEquals(new int[] {4}, m.negatives()[0]);
    assertEquals((float) Math.cos(Math.toRadians(40)), m.negativeScores()[0][0], 1e-6);
    assertEquals((float) Math.cos(Math.toRadians(20)), m.positiveScores()[0][0], 1e-6);
  }

  @Test
  void rangeMaxBoundsTheWindowIncludingRoomForThePositives() {
    // window = range_max + max_positives raw ranks: A, P, B, C, ...
    // range_max 2: window A, P, B -> positive out, A and B too close -> nothing found
    assertEquals(0, mine(rule(0, 2, NONE, NONE, NONE, 0.05, 1, "top")).negatives()[0].length);
    // range_max 3: window A, P, B, C -> C
    assertArrayEquals(new int[] {3}, mine(rule(0, 3, NONE, NONE, NONE, 0.05, 1, "top")).negatives()[0]);
    // no filter, range_max 2: the two most similar non-positives even when 5 are asked for
    assertArrayEquals(new int[] {1, 2}, mine(rule(0, 2, NONE, NONE, NONE, NONE, 5, "top")).negatives()[0]);
  }

  @Test
  void positiveOutsideTheWindowLeavesItsSlotToTheNextCandidate() {
    // positive E (60deg, .5) is not among the top 3 (A .985, P .940, B .906): range_max 2 + 1 slot gives
    // window A, P, B; max_score .95 drops A, so P and B survive (B, third in rank, is reached
    // through the slot kept for a positive)
    MinedNegatives m = HardNegativeMiner.select(Q, DOCS, new int[][] {{5}}, groups(6), 1,
        rule(0, 2, NONE, 0.95, NONE, NONE, 3, "top"), 7);
    assertArrayEquals(new int[] {0, 2}, m.negatives()[0]);
    // unfiltered, survivors are cut to range_max: A, P
    m = HardNegativeMiner.select(Q, DOCS, new int[][] {{5}}, groups(6), 1, rule(0, 2, NONE, NONE, NONE, NONE, 3, "top"), 7);
    assertArrayEquals(new int[] {1, 0}, m.negatives()[0]);
  }

  @Test
  void scoreBoundsAreCountedPerFilter() {
    // max .95 drops A (.985); min .6 drops E (.5): B, C, D
    MinedNegatives m = mine(rule(0, 10, 0.6, 0.95, NONE, NONE, 9, "top"));
    assertArrayEquals(new int[] {2, 3, 4}, m.negatives()[0]);
    assertEquals(1, m.skipped().get("max_score").count());
    assertEquals(1, m.skipped().get("min_score").count());
    // window 10 + 1 = 11 candidates; neither score bound shrinks the base of the next ratio
    assertEquals(1.0 / 11, m.skipped().get("min_score").ratio(), 1e-12);
  }

  @Test
  void absoluteMarginDropsCandidatesWithinTheMarginOfThePositive() {
    // s + .05 > .9397 drops A (.985) and B (.906); C (.866) stays
    MinedNegatives m = mine(rule(0, 10, NONE, NONE, 0.05, NONE, 2, "top"));
    assertArrayEquals(new int[] {3, 4}, m.negatives()[0]);
    assertEquals(2, m.skipped().get("absolute_margin").count());
    assertEquals(2.0 / 11, m.skipped().get("absolute_margin").ratio(), 1e-12);
    // margin 0: only candidates above the positive go (A)
    assertArrayEquals(new int[] {2}, mine(rule(0, 10, NONE, NONE, 0.0, NONE, 1, "top")).negatives()[0]);
  }

  @Test
  void relativeMarginBelowZeroSubtractsTheMagnitude() {
    // positive at 110deg: -.3420. Candidates 100deg -.1736, 111deg -.3584, 115deg -.4226, 130deg -.6428.
    // margin .1: threshold -.3420 - .0342 = -.3762 -> 100 and 111 dropped, 115 is the hardest kept.
    // The old pos * (1 - m) = -.3078 would have kept 111deg (-.3584).
    FloatMatrix docs = at(110, 100, 111, 115, 130);
    MinedNegatives m = HardNegativeMiner.select(Q, docs, new int[][] {{0}}, groups(5), 1,
        rule(0, 10, NONE, NONE, NONE, 0.1, 1, "top"), 7);
    assertTrue(m.positiveScores()[0][0] < 0);
    assertArrayEquals(new int[] {3}, m.negatives()[0]);
    assertEquals(2, m.skipped().get("relative_margin").count());
  }

  @Test
  void severalPositivesMeasureTheMarginFromTheLeastSimilar() {
    // positives P (.9397) and D (.7660): threshold .7660 - .0383 = .7277 -> A, B, C dropped, E (.5) kept
    MinedNegatives m = HardNegativeMiner.select(Q, DOCS, new int[][] {{0, 4}}, groups(6), 2,
        rule(0, 10, NONE, NONE, NONE, 0.05, 3, "top"), 7);
    assertArrayEquals(new int[] {5}, m.negatives()[0]);
    assertEquals(2, m.positiveScores()[0].length);
    assertEquals(3, m.skipped().get("relative_margin").count());
  }

  @Test
  void duplicateTextsAreOneCandidateAndAPositivesTwinIsNoNegative() {
    // 6 has P's text (another id), 7 has A's text: neither P's twin nor A's second copy is offered
    FloatMatrix docs = at(20, 10, 25, 30, 40, 60, 20, 10);
    int[] g = {0, 1, 2, 3, 4, 5, 0, 1};
    MinedNegatives m = HardNegativeMiner.select(Q, docs, new int[][] {{6}}, g, 1, rule(0, 10, NONE, NONE, NONE, NONE, 3, "top"), 7);
    assertArrayEquals(new int[] {1, 2, 3}, m.negatives()[0]);
  }

  @Test
  void topTakesTheMostSimilarRandomIsSeededAndSorted() {
    MiningRule top = rule(0, 10, NONE, NONE, NONE, 0.05, 2, "top");
    assertArrayEquals(new int[] {3, 4}, mine(top).negatives()[0]);
    MiningRule random = rule(0, 10, NONE, NONE, NONE, 0.05, 2, "random");
    Set<Integer> seen = new HashSet<>();
    for (long seed = 0; seed < 40; seed++) {
      MinedNegatives a = HardNegativeMiner.select(Q, DOCS, new int[][] {{0}}, groups(6), 1, random, seed);
      MinedNegatives b = HardNegativeMiner.select(Q, DOCS, new int[][] {{0}}, groups(6), 1, random, seed);
      assertArrayEquals(a.negatives()[0], b.negatives()[0], "seed " + seed);
      assertEquals(2, a.negatives()[0].length);
      assertTrue(a.negativeScores()[0][0] >= a.negativeScores()[0][1], "most similar first, seed " + seed);
      for (int d : a.negatives()[0]) {
        assertTrue(d >= 3 && d <= 5, "drawn from the survivors C, D, E: " + d + ", seed " + seed);
        seen.add(d);
      }
    }
    assertEquals(Set.of(3, 4, 5), seen, "every survivor is drawn for some seed");
    // fewer survivors than asked: random takes them all
    assertArrayEquals(new int[] {3, 4, 5}, mine(rule(0, 10, NONE, NONE, NONE, 0.05, 5, "random")).negatives()[0]);
  }

  @Test
  void hnswFindsTheSameOnATinyCorpus() {
    MiningRule r = rule(0, 10, NONE, NONE, NONE, 0.05, 3, "top");
    MinedNegatives h = HardNegativeMiner.select(Q, DOCS, new int[][] {{0}}, groups(6), 1, r,
        HardNegativeMiner.index("hnsw", new HnswParams(16, 100, 100, 1, 1)), 7);
    assertArrayEquals(mine(r).negatives()[0], h.negatives()[0]);
  }
}
