package dev.negmine.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TopKTest {
  @Test
  void keepsTheSmallestKeysAgainstSortOracle() {
    long seed = System.nanoTime();
    System.out.println("TopKTest seed=" + seed);
    Random rnd = new Random(seed);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + rnd.nextInt(3000);
      int cap = 1 + rnd.nextInt(Math.min(n, 700));
      long[] keys = new long[n];
      for (int i = 0; i < n; i++) {
        // few distinct scores, so many keys differ only in the index
        keys[i] = TopK.key((float) rnd.nextInt(20) - 10, i);
      }
      TopK top = new TopK(cap);
      for (long k : keys) {
        top.offer(k);
      }
      long[] expected = keys.clone();
      Arrays.sort(expected);
      assertArrayEquals(Arrays.copyOf(expected, cap), top.drainSorted(), "seed=" + seed + " trial=" + trial);
    }
  }

  @Test
  void keyOrdersByScoreThenIndex() {
    float[] scores = {Float.NEGATIVE_INFINITY, -3.5f, -Float.MIN_VALUE, 0f, Float.MIN_VALUE, 1f, Float.MAX_VALUE};
    for (int a = 0; a < scores.length; a++) {
      for (int b = 0; b < scores.length; b++) {
        assertEquals(Integer.signum(Float.compare(scores[a], scores[b])),
            Long.signum(Long.compare(TopK.key(scores[a], 5), TopK.key(scores[b], 5))));
      }
    }
    assertTrue(TopK.key(1f, 2) < TopK.key(1f, 3));
    assertTrue(TopK.key(-1f, Integer.MAX_VALUE) < TopK.key(1f, 0));
    assertEquals(TopK.key(0f, 4), TopK.key(-0f + 0f, 4), "-0 folded into +0 ties");
    assertEquals(123, TopK.index(TopK.key(-7f, 123)));
  }
}
