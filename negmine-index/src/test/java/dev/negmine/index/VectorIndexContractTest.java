package dev.negmine.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.linalg.TopK;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One contract, every implementation and distance. */
class VectorIndexContractTest {
  static final long SEED = 9001;

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String kind : List.of("exact", "hnsw", "ivf")) {
      for (Distance d : Distance.values()) {
        out.add(Arguments.of(kind, d));
      }
    }
    return out.stream();
  }

  static VectorIndex build(String kind, FloatMatrix corpus, long[] ids, Distance d) {
    return VectorIndexes.build(kind, corpus, ids, d, new HnswParams(16, 100, 200, SEED, 2));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void searchFollowsTheContract(String kind, Distance d) {
    System.out.println("seed " + SEED);
    SyntheticCorpus c = SyntheticCorpus.clustered(3000, 24, 30, 0.05, SEED);
    long[] ids = new long[3000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 1_000_000L + 7L * i;
    }
    VectorIndex index = build(kind, c.vectors(), ids, d);
    assertEquals(kind, index.kind());
    assertEquals(3000, index.size());
    assertEquals(24, index.dimension());
    assertArrayEquals(ids, index.ids());
    assertEquals(kind, index.provenance().get("kind"));
    FloatMatrix queries = c.vectors().rowRange(0, 100);
    int k = 20;
    TopK got = index.search(queries, k);
    TopK exact = Similarities.topK(queries, c.vectors(), d, k);
    assertEquals(100, got.queries());
    assertEquals(k, got.k());
    for (int q = 0; q < 100; q++) {
      Set<Integer> seen = new HashSet<>();
      for (int r = 0; r < k; r++) {
        int row = got.index(q, r);
        assertTrue(seen.add(row), "row returned twice");
        assertEquals(Similarities.score(queries, q, c.vectors(), row, d), got.score(q, r),
            1e-3f * Math.max(1f, Math.abs(got.score(q, r))), "scores are exact up to rounding (L2 near 0 amplifies it)");
        if (r > 0) {
          assertTrue(!d.closer(got.score(q, r), got.score(q, r - 1)), "best first");
        }
      }
    }
    double recall = SyntheticCorpus.recall(got, exact);
    assertTrue(recall >= (kind.equals("exact") ? 1.0 : 0.95), kind + " recall " + recall);
    // k larger than the corpus is clamped; k = 0 is empty
    assertEquals(3000, index.search(queries.rowRange(0, 1), 5000).k());
    assertEquals(0, index.search(queries, 0).k());
    assertThrows(IllegalArgumentException.class, () -> index.search(FloatMatrix.zeros(1, 3), 1));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void concurrentSearchesAgreeWithASequentialOne(String kind, Distance d) throws Exception {
    if (d != Distance.L2) {
      return;
    }
    SyntheticCorpus c = SyntheticCorpus.clustered(2000, 16, 20, 0.05, SEED + 1);
    VectorIndex index = build(kind, c.vectors(), null, d);
    FloatMatrix queries = c.vectors().rowRange(0, 64);
    TopK want = index.search(queries, 10);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<TopK>> fs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        fs.add(pool.submit(() -> index.search(queries, 10)));
      }
      for (Future<TopK> f : fs) {
        assertArrayEquals(want.indices(), f.get().indices());
      }
    } finally {
      pool.shutdown();
    }
  }
}
