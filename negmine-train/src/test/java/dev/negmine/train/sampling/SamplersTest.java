package dev.negmine.train.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplersTest {
  static long[] labels(int classes, int perClass, long seed) {
    long[] l = new long[classes * perClass];
    for (int i = 0; i < l.length; i++) {
      l[i] = i % classes;
    }
    java.util.Random r = new java.util.Random(seed);
    for (int i = l.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      long t = l[i];
      l[i] = l[j];
      l[j] = t;
    }
    return l;
  }

  @Test
  void everyBatchHoldsMItemsOfEachOfItsClasses() {
    long seed = System.nanoTime();
    System.out.println("seed " + seed);
    long[] l = labels(10, 100, seed);
    BatchSampler s = BatchSampler.mPerClass(l, 4, seed);
    for (int epoch = 0; epoch < 3; epoch++) {
      int[][] batches = s.epoch(epoch, 32);
      assertEquals(1000 / 32, batches.length);
      for (int[] b : batches) {
        assertEquals(32, b.length);
        Map<Long, Integer> counts = new HashMap<>();
        for (int i : b) {
          counts.merge(l[i], 1, Integer::sum);
        }
        assertEquals(8, counts.size());
        counts.values().forEach(c -> assertEquals(4, c));
        assertEquals(32, Arrays.stream(b).distinct().count(), "no item twice in a batch");
      }
    }
  }

  @Test
  void growingBatchTakesMorePerClassWhenClassesRunOut() {
    long[] l = labels(10, 100, 3);
    BatchSampler s = BatchSampler.mPerClass(l, 16, 3);
    for (int[] b : s.epoch(0, 320)) {
      Map<Long, Integer> counts = new HashMap<>();
      for (int i : b) {
        counts.merge(l[i], 1, Integer::sum);
      }
      assertEquals(10, counts.size());
      counts.values().forEach(c -> assertEquals(32, c));
    }
  }

  @Test
  void deterministicPerSeedAndEpochAndReshuffledAcrossEpochs() {
    long[] l = labels(10, 50, 7);
    BatchSampler a = BatchSampler.mPerClass(l, 5, 11);
    BatchSampler b = BatchSampler.mPerClass(l, 5, 11);
    assertArrayEquals(a.epoch(2, 50), b.epoch(2, 50));
    assertFalse(Arrays.deepEquals(a.epoch(0, 50), a.epoch(1, 50)));
    assertFalse(Arrays.deepEquals(a.epoch(0, 50), BatchSampler.mPerClass(l, 5, 12).epoch(0, 50)));
  }

  @Test
  void mostItemsAreSeenEachEpoch() {
    long[] l = labels(10, 100, 5);
    Set<Integer> seen = new HashSet<>();
    for (int[] b : BatchSampler.mPerClass(l, 10, 5).epoch(0, 100)) {
      for (int i : b) {
        seen.add(i);
      }
    }
    assertEquals(1000, seen.size(), "a balanced data set is covered exactly once per epoch");
  }

  @Test
  void shufflingIsAPermutationPrefix() {
    BatchSampler s = BatchSampler.shuffle(103, 9);
    int[][] e = s.epoch(0, 10);
    assertEquals(10, e.length);
    assertEquals(100, Arrays.stream(e).flatMapToInt(Arrays::stream).distinct().count());
    assertFalse(Arrays.deepEquals(e, s.epoch(1, 10)));
  }

  @Test
  void rejectsImpossibleRequests() {
    assertThrows(IllegalArgumentException.class, () -> BatchSampler.mPerClass(new long[0], 4, 1));
    assertThrows(IllegalArgumentException.class, () -> BatchSampler.mPerClass(new long[] {1, 1, 1}, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> BatchSampler.mPerClass(labels(4, 10, 1), 4, 1).epoch(0, 10));
    assertTrue(BatchSampler.shuffle(5, 1).batchesPerEpoch(5) == 1);
  }
}
