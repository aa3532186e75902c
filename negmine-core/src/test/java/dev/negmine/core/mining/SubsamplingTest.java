package dev.negmine.core.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.FloatMatrix;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link MinerConfig#maxTriplets()}: exact size, distinct valid rows, seeded, roughly uniform. */
class SubsamplingTest {
  private static final long SEED = 77L;

  private static FloatMatrix embeddings(int n, int dim, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] d = new float[n * dim];
    for (int k = 0; k < d.length; k++) {
      d[k] = (float) r.nextGaussian();
    }
    return FloatMatrix.of(n, dim, d);
  }

  private static long[] labels(int n, int classes) {
    long[] l = new long[n];
    for (int k = 0; k < n; k++) {
      l[k] = k % classes;
    }
    return l;
  }

  private static Set<Long> rowSet(Triplets t) {
    Set<Long> s = new HashSet<>();
    for (int r = 0; r < t.size(); r++) {
      s.add(((long) t.anchor(r) << 42) | ((long) t.positive(r) << 21) | t.negative(r));
    }
    return s;
  }

  /** Caps well below and near the total exercise both sampling algorithms (Floyd and selection). */
  @ParameterizedTest
  @ValueSource(strings = {"semihard-band", "all-band", "easy-band", "topk-hard", "multi-similarity",
      "batch-hard", "semihard-tf", "distance-weighted"})
  void capReturnsExactlyMinOfCapAndTotalDistinctValidRows(String preset) {
    System.out.println("SubsamplingTest seed=" + SEED + " preset=" + preset);
    FloatMatrix e = embeddings(96, 8, SEED);
    long[] l = labels(96, 8);
    MinerConfig base = MinerConfig.builder().seed(SEED).build();
    MiningBatch batch = MiningBatch.self(e, l, null, base);
    Triplets all = Miners.create(preset, base).mine(batch, 3);
    Set<Long> allRows = rowSet(all);
    for (long cap : new long[] {1, 7, all.size() / 10 + 1, all.size() / 2 + 1, all.size() - 1, all.size(), all.size() + 5}) {
      if (cap < 1) {
        continue;
      }
      MinerConfig c = base.toBuilder().maxTriplets(cap).build();
      Triplets got = Miners.create(preset, c).mine(batch, 3);
      assertEquals(Math.min(cap, all.size()), got.size(), preset + " cap " + cap);
      Set<Long> rows = rowSet(got);
      assertEquals(got.size(), rows.size(), "rows are distinct");
      assertTrue(allRows.containsAll(rows), "every kept row is a row of the uncapped result");
      assertSubsequence(all, got);
      assertEquals(got, Miners.create(preset, c).mine(batch, 3), "same seed and step, same rows");
      if (cap > 3 && cap < all.size() - 3) {
        assertNotEquals(got, Miners.create(preset, c.toBuilder().seed(SEED + 1).build()).mine(batch, 3), "another seed");
        assertNotEquals(got, Miners.create(preset, c).mine(batch, 4), "another step");
      }
    }
  }

  private static void assertSubsequence(Triplets all, Triplets part) {
    int k = 0;
    for (int r = 0; r < all.size() && k < part.size(); r++) {
      if (all.anchor(r) == part.anchor(k) && all.positive(r) == part.positive(k) && all.negative(r) == part.negative(k)) {
        k++;
      }
    }
    assertEquals(part.size(), k, "a capped result keeps the uncapped row order");
  }

  /** Chi-square of how often each row is kept over many steps, for a sparse and a dense cap. */
  @ParameterizedTest
  @ValueSource(ints = {5, 60})
  void keptRowsAreRoughlyUniform(int cap) {
    FloatMatrix e = embeddings(12, 4, SEED);
    long[] l = labels(12, 3);
    MinerConfig c = MinerConfig.builder().seed(SEED).maxTriplets(cap).build();
    MiningBatch batch = MiningBatch.self(e, l, null, c);
    Triplets all = Miners.create("easy-band", c.toBuilder().maxTriplets(0).build()).mine(batch, 0);
    int total = all.size();
    // 5 of ~100 rows runs Floyd's algorithm, 60 of them selection sampling
    assertTrue(total > cap, "total " + total);
    Map<Long, Integer> freq = new HashMap<>();
    int trials = 4000;
    Miner m = Miners.create("easy-band", c);
    for (int step = 0; step < trials; step++) {
      for (long row : rowSet(m.mine(batch, step))) {
        freq.merge(row, 1, Integer::sum);
      }
    }
    double expected = (double) trials * cap / total;
    double chi2 = 0;
    for (long row : rowSet(all)) {
      double o = freq.getOrDefault(row, 0);
      chi2 += (o - expected) * (o - expected) / expected;
    }
    // chi-square with total-1 degrees of freedom has mean total-1 and sd sqrt(2(total-1));
    // sampling without replacement only shrinks it
    double df = total - 1;
    assertTrue(chi2 < df + 6 * Math.sqrt(2 * df), "chi2 " + chi2 + " with " + df + " degrees of freedom");
  }

  @Test
  void chooseIsUniformAndDistinctForBothAlgorithms() {
    SplittableRandom rng = new SplittableRandom(SEED);
    for (long total : new long[] {10, 1000, 5_000_000_000L}) {
      for (int k : new int[] {0, 1, 3, 9}) {
        if (k > total) {
          continue;
        }
        long[] c = Sampling.choose(total, k, rng);
        assertEquals(k, c.length);
        for (int i = 0; i < k; i++) {
          assertTrue(c[i] >= 0 && c[i] < total);
          assertTrue(i == 0 || c[i] > c[i - 1], "ascending and distinct");
        }
      }
    }
    assertEquals(10, Sampling.choose(10, 10, rng).length);
  }
}
