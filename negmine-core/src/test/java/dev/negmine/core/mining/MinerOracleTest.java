package dev.negmine.core.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every miner against its brute-force definition ({@link BruteForce}) on seeded random batches:
 * several sizes (one large enough to run in parallel), coarse embeddings that make ties common,
 * duplicate ids, a class with a single member, every distance kind, and rectangular reference
 * mode. Rows are compared unsorted, so the documented row order is checked too.
 */
class MinerOracleTest {
  /** A seeded random case; {@code toString} names the seed so a failure can be replayed. */
  record Case(long seed, int queries, int refs, int dim, int classes, boolean reference, boolean duplicateIds,
      boolean coarse, Distance distance, boolean normalize) {
    @Override
    public String toString() {
      return "seed=" + seed + " q=" + queries + " r=" + (reference ? refs : queries) + " d=" + dim + " classes=" + classes
          + (reference ? " reference" : " self") + (duplicateIds ? " dup-ids" : "") + (coarse ? " coarse" : "")
          + " " + distance.cliName() + (normalize ? "" : " raw");
    }

    MinerConfig config() {
      return MinerConfig.builder().distance(distance).normalize(normalize).seed(seed).k(3).margin(0.2).build();
    }

    MiningBatch batch(MinerConfig config) {
      SplittableRandom rnd = new SplittableRandom(seed);
      FloatMatrix qe = embeddings(rnd, queries);
      long[] ql = labels(rnd, queries);
      long[] qi = ids(rnd, queries, 0);
      if (!reference) {
        if (duplicateIds) {
          // a duplicate of an item: same id, same label, a nearby embedding
          for (int k = 0; k + 1 < queries; k += 5) {
            qi[k + 1] = qi[k];
            ql[k + 1] = ql[k];
          }
        }
        return MiningBatch.self(qe, ql, duplicateIds ? qi : null, config);
      }
      FloatMatrix re = embeddings(rnd, refs);
      long[] rl = labels(rnd, refs);
      long[] ri = ids(rnd, refs, 1000);
      if (duplicateIds) {
        // some references are the queries themselves (same id), with a different label sometimes
        for (int k = 0; k < Math.min(queries, refs); k += 3) {
          ri[k] = qi[k];
        }
      }
      return MiningBatch.withReferences(qe, ql, qi, re, rl, duplicateIds ? ri : null, config);
    }

    private FloatMatrix embeddings(SplittableRandom rnd, int n) {
      float[] d = new float[n * dim];
      for (int k = 0; k < d.length; k++) {
        d[k] = coarse ? rnd.nextInt(3) - 1 : (float) rnd.nextGaussian();
      }
      for (int row = 0; row < n; row++) {
        if (d[row * dim] == 0 && coarse) {
          d[row * dim] = 1; // no zero rows, which cannot be normalised
        }
      }
      return FloatMatrix.of(n, dim, d);
    }

    private long[] labels(SplittableRandom rnd, int n) {
      long[] l = new long[n];
      for (int k = 0; k < n; k++) {
        l[k] = rnd.nextInt(classes);
      }
      if (n > 1) {
        l[n - 1] = 10_000; // a class with a single member
      }
      return l;
    }

    private long[] ids(SplittableRandom rnd, int n, long base) {
      long[] id = new long[n];
      for (int k = 0; k < n; k++) {
        id[k] = base + k;
      }
      return id;
    }
  }

  static Stream<Case> cases() {
    List<Case> out = new ArrayList<>();
    long seed = 20240601L;
    int[][] shapes = {{1, 1}, {2, 2}, {7, 9}, {33, 20}, {64, 80}, {300, 260}};
    for (int[] shape : shapes) {
      for (Distance d : Distance.values()) {
        for (int variant = 0; variant < 4; variant++) {
          boolean reference = (variant & 1) == 1;
          boolean dup = (variant & 2) == 2;
          boolean coarse = (seed & 1) == 0;
          int classes = Math.max(1, shape[0] / 6);
          boolean normalize = d != Distance.DOT || variant != 3;
          out.add(new Case(seed, shape[0], shape[1], shape[0] >= 300 ? 16 : 4, classes, reference, dup, coarse, d, normalize));
          seed = Seeds.mix(seed);
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyMinerMatchesItsDefinition(Case c) {
    System.out.println("MinerOracleTest " + c);
    MinerConfig config = c.config();
    MiningBatch batch = c.batch(config);
    BruteForce oracle = new BruteForce(batch);
    float margin = (float) config.margin();
    long step = c.seed() % 7;

    check(c, "batch-hard", oracle.batchHard(), new BatchHardMiner("batch-hard", config).mine(batch, step));
    check(c, "easy-positive", oracle.easyPositive(), Miners.create("easy-positive", config).mine(batch, step));
    check(c, "topk-hard", oracle.topK(config.k()), Miners.create("topk-hard", config).mine(batch, step));
    for (String preset : List.of("semihard-band", "hard-band", "all-band", "easy-band", "semihard-tf")) {
      BandMiner m = (BandMiner) Miners.create(preset, config);
      check(c, preset, oracle.band(m.policy(), margin), m.mine(batch, step));
    }
    for (BandPolicy.Fallback f : BandPolicy.Fallback.values()) {
      for (BandPolicy.Selection sel : BandPolicy.Selection.values()) {
        BandPolicy p = new BandPolicy(BandPolicy.Edge.ZERO, BandPolicy.Edge.MARGIN, sel, f);
        check(c, p.toString(), oracle.band(p, margin), Miners.band(p, config).mine(batch, step));
      }
    }
    check(c, "distance-weighted", oracle.distanceWeighted(config, step),
        Miners.create("distance-weighted", config).mine(batch, step));

    MultiSimilarityMiner ms = new MultiSimilarityMiner(config);
    Pairs expectedPairs = oracle.multiSimilarity((float) config.msEpsilon());
    assertEquals(expectedPairs, ms.minePairs(batch, step), c + " multi-similarity pairs");
    Triplets expected = oracle.pairsToTriplets(expectedPairs);
    check(c, "multi-similarity", expected, ms.mine(batch, step));
    check(c, "pairs.toTriplets", expected, expectedPairs.toTriplets());
  }

  private static void check(Case c, String miner, Triplets expected, Triplets got) {
    if (!expected.equals(got)) {
      int first = 0;
      while (first < Math.min(expected.size(), got.size()) && expected.anchor(first) == got.anchor(first)
          && expected.positive(first) == got.positive(first) && expected.negative(first) == got.negative(first)) {
        first++;
      }
      throw new AssertionError(c + " " + miner + ": expected " + expected.size() + " rows, got " + got.size()
          + "; first difference at row " + first + ": expected " + row(expected, first) + ", got " + row(got, first));
    }
    for (int k = 0; k < got.size(); k++) {
      assertTrue(got.anchor(k) >= 0 && got.positive(k) >= 0 && got.negative(k) >= 0, miner);
    }
  }

  private static String row(Triplets t, int r) {
    return r < t.size() ? "(" + t.anchor(r) + ", " + t.positive(r) + ", " + t.negative(r) + ")" : "none";
  }
}
