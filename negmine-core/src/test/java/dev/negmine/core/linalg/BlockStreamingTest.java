package dev.negmine.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** forEachBlock's contract: coverage, block bounds, ordering per row range, failure. */
class BlockStreamingTest {
  @Test
  void everyCellIsVisitedExactlyOnceWithBoundedBlocksInColumnOrder() {
    long seed = Reference.seed("forEachBlock");
    int[][] shapes = {{1, 1, 2}, {7, 13, 3}, {600, 9000, 3}, {257, 4097, 5}};
    for (SimilarityEngine e : Reference.engines()) {
      SplittableRandom r = new SplittableRandom(seed);
      for (int[] s : shapes) {
        int n = s[0];
        int m = s[1];
        FloatMatrix a = Reference.random(r, n, s[2]);
        FloatMatrix b = Reference.random(r, m, s[2]);
        AtomicIntegerArray seen = new AtomicIntegerArray(n * m);
        // Per row range: the thread that owns it and the next column it expects.
        Map<Integer, long[]> ranges = new ConcurrentHashMap<>();
        e.forEachBlock(a, b, Distance.SQUARED_L2, (r0, r1, c0, c1, block) -> {
          assertTrue(r0 < r1 && c0 < c1, "empty block");
          assertTrue(r1 - r0 <= SimilarityEngine.MAX_TASK_ROWS && c1 - c0 <= SimilarityEngine.MAX_BLOCK_COLS);
          assertEquals((r1 - r0) * (c1 - c0), block.length, "block is exactly sized");
          long[] st = ranges.computeIfAbsent(r0, k -> new long[] {Thread.currentThread().threadId(), 0, r1});
          assertEquals(Thread.currentThread().threadId(), st[0], "one thread per row range");
          assertEquals(st[1], c0, "columns arrive in increasing, contiguous order");
          assertEquals(st[2], r1, "row ranges are stable");
          st[1] = c1;
          int w = c1 - c0;
          for (int i = r0; i < r1; i++) {
            for (int j = c0; j < c1; j++) {
              seen.incrementAndGet(i * m + j);
              if ((i * 31 + j) % 97 == 0) {
                Reference.check("forEachBlock " + e, block[(i - r0) * w + j - c0], a, i, b, j, Distance.SQUARED_L2);
              }
            }
          }
        });
        for (int c = 0; c < n * m; c++) {
          if (seen.get(c) != 1) {
            throw new AssertionError(e + " cell (" + c / m + ", " + c % m + ") visited " + seen.get(c) + " times");
          }
        }
        for (long[] st : ranges.values()) {
          assertEquals(m, st[1], "every row range reaches the last column");
        }
      }
    }
  }

  @Test
  void visitorExceptionStopsAndPropagates() {
    FloatMatrix a = Reference.random(new SplittableRandom(1), 2000, 64);
    IllegalStateException boom = new IllegalStateException("boom");
    for (SimilarityEngine e : Reference.engines()) {
      RuntimeException got = assertThrows(RuntimeException.class,
          () -> e.forEachBlock(a, a, Distance.DOT, (r0, r1, c0, c1, b) -> {
            if (r0 > 0) {
              throw boom;
            }
          }));
      assertTrue(got == boom || got.getCause() == boom, "cause is the visitor's exception: " + got);
    }
  }

  @Test
  void parallelRunsEveryTaskOnceAndRethrows() {
    Parallel p = Parallel.shared();
    AtomicIntegerArray hits = new AtomicIntegerArray(1000);
    p.forEach(1000, hits::incrementAndGet);
    for (int i = 0; i < 1000; i++) {
      assertEquals(1, hits.get(i));
    }
    Error err = new AssertionError("task 7");
    Throwable got = assertThrows(Throwable.class, () -> p.forEach(100, t -> {
      if (t == 7) {
        throw err;
      }
    }));
    assertTrue(got == err || got.getCause() == err, got.toString());
    assertSame(Parallel.shared(), p);
  }
}
