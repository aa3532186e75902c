package dev.negmine.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A top-k assembled from scans of key pieces, in any order and grouping, equals
 * {@link Similarities#topK} over the same pairs bit for bit: scores, order, ties to the lowest key
 * and -1 / NaN slots where a query saw fewer than k accepted keys.
 */
class PartialTopKTest {
  @ParameterizedTest
  @EnumSource(Distance.class)
  void piecesInAnyOrderGiveTheTopKOfThePairsScanned(Distance d) {
    SplittableRandom r = new SplittableRandom(7);
    int nq = 37;
    int nk = 300;
    int dim = 24;
    FloatMatrix q = Reference.random(r, nq, dim);
    FloatMatrix keys = Reference.random(r, nk, dim);
    for (int j = 0; j < 20; j++) { // exact duplicates: ties must go to the lowest key index
      System.arraycopy(keys.data(), keys.offset(j), keys.data(), keys.offset(nk - 1 - j), dim);
    }
    int k = 15;
    PairFilter odd = (qi, key) -> (qi + key) % 7 != 0;
    // the full search, filtered, is the reference
    TopK want = Similarities.topK(q, keys, d, k, odd);

    // the keys cut into pieces of varied size, each piece scanned in two query subsets of varied
    // size, so every (query, key) pair is scanned exactly once, in a shuffled order
    List<int[]> pieces = new ArrayList<>();
    for (int start = 0; start < nk; ) {
      int len = 1 + r.nextInt(60);
      int[] ids = new int[Math.min(len, nk - start)];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = start + i;
      }
      pieces.add(ids);
      start += ids.length;
    }
    Collections.shuffle(pieces, new Random(3));
    PartialTopK acc = new PartialTopK(nq, k, d, odd);
    for (int[] ids : pieces) {
      int[] all = new int[nq];
      for (int i = 0; i < nq; i++) {
        all[nq - 1 - i] = i; // queries in reverse order
      }
      int half = r.nextInt(nq);
      int[] first = java.util.Arrays.copyOfRange(all, 0, half);
      int[] second = java.util.Arrays.copyOfRange(all, half, nq);
      acc.scan(q.gather(first), first, keys.gather(ids), ids);
      acc.scan(q.gather(second), second, keys.gather(ids), ids);
    }
    TopK got = acc.result();
    assertEquals(want.k(), got.k());
    assertArrayEquals(want.indices(), got.indices());
    assertArrayEquals(want.scores(), got.scores());
  }

  @ParameterizedTest
  @EnumSource(Distance.class)
  void aQueryThatSawFewerKeysGetsEmptySlots(Distance d) {
    SplittableRandom r = new SplittableRandom(11);
    FloatMatrix q = Reference.random(r, 3, 8);
    FloatMatrix keys = Reference.random(r, 10, 8);
    int[] some = {2, 5, 7};
    PartialTopK acc = new PartialTopK(3, 5, d, null);
    acc.scan(q.gather(new int[] {1}), new int[] {1}, keys.gather(some), some);
    TopK got = acc.result();
    TopK want = Similarities.topK(q.gather(new int[] {1}), keys.gather(some), d, 3);
    for (int rank = 0; rank < 3; rank++) {
      assertEquals(some[want.index(0, rank)], got.index(1, rank));
      assertEquals(want.score(0, rank), got.score(1, rank));
    }
    for (int rank = 3; rank < 5; rank++) {
      assertEquals(-1, got.index(1, rank));
      assertEquals(Float.NaN, got.score(1, rank));
    }
    for (int rank = 0; rank < 5; rank++) {
      assertEquals(-1, got.index(0, rank)); // never scanned
    }
  }
}
