package dev.negmine.core.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The preset factory, the policy record, pair conversion and distance-weighted's distribution. */
class MinersTest {
  @Test
  void everyPresetIsCreatedWithItsName() {
    assertEquals(11, Miners.presets().size());
    for (String p : Miners.presets()) {
      Miner m = Miners.create(p, MinerConfig.defaults());
      assertEquals(p, m.name());
    }
  }

  @Test
  void unknownPresetListsTheValidNames() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Miners.create("semi-hard", MinerConfig.defaults()));
    for (String p : Miners.presets()) {
      assertTrue(e.getMessage().contains(p), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Miners.create(null, MinerConfig.defaults()));
  }

  @Test
  void cosinePresetsReportCosine() {
    assertEquals(Distance.COSINE, Miners.create("cos-batch-hard", MinerConfig.defaults()).config().distance());
    assertEquals(Distance.COSINE, Miners.create("multi-similarity", MinerConfig.defaults()).config().distance());
    assertInstanceOf(PairMiner.class, Miners.create("multi-similarity", MinerConfig.defaults()));
  }

  @Test
  void bandPolicyRejectsEmptyBandsAndNamesCustomPolicies() {
    assertThrows(IllegalArgumentException.class,
        () -> new BandPolicy(BandPolicy.Edge.MARGIN, BandPolicy.Edge.ZERO, BandPolicy.Selection.ALL, BandPolicy.Fallback.DROP));
    assertThrows(IllegalArgumentException.class,
        () -> new BandPolicy(BandPolicy.Edge.ZERO, BandPolicy.Edge.ZERO, BandPolicy.Selection.ALL, BandPolicy.Fallback.DROP));
    assertEquals("semihard-tf", Miners.band(BandPolicy.SEMIHARD_TF, MinerConfig.defaults()).name());
    BandPolicy facenet = new BandPolicy(BandPolicy.Edge.ZERO, BandPolicy.Edge.MARGIN,
        BandPolicy.Selection.CLOSEST, BandPolicy.Fallback.DROP);
    assertEquals("band(zero,margin,closest,drop)", Miners.band(facenet, MinerConfig.defaults()).name());
  }

  /** PML's convert_to_triplets on a hand example: (a1, p, a2, n) joined on the anchor. */
  @Test
  void pairsToTripletsJoinsOnTheAnchor() {
    Pairs p = Pairs.of(new int[] {0, 0, 2}, new int[] {1, 3, 5}, new int[] {2, 0, 0, 1}, new int[] {7, 8, 9, 4});
    Triplets t = p.toTriplets();
    assertArrayEquals(new int[] {0, 0, 0, 0, 2}, t.anchors());
    assertArrayEquals(new int[] {1, 1, 3, 3, 5}, t.positives());
    assertArrayEquals(new int[] {8, 9, 8, 9, 7}, t.negatives());
    assertEquals(0, Pairs.of(new int[0], new int[0], new int[0], new int[0]).toTriplets().size());
  }

  @Test
  void trainerEntryPointMinesTheBatchAgainstItself() {
    FloatMatrix e = FloatMatrix.fromRows(new float[][] {{1, 0}, {0.9f, 0.1f}, {0, 1}, {0.1f, 0.9f}});
    long[] labels = {0, 0, 1, 1};
    Triplets t = Miners.create("batch-hard", MinerConfig.defaults()).mine(e, labels, null);
    assertArrayEquals(new int[] {0, 1, 2, 3}, t.anchors());
    assertArrayEquals(new int[] {1, 0, 3, 2}, t.positives());
    assertArrayEquals(new int[] {3, 3, 1, 1}, t.negatives());
    // items 0 and 1 are the same item: neither is the other's positive any more
    Triplets dup = Miners.create("batch-hard", MinerConfig.defaults()).mine(e, labels, new long[] {5, 5, 6, 7});
    assertArrayEquals(new int[] {2, 3}, dup.anchors());
  }

  @Test
  void distanceWeightedNeedsTheDimension() {
    FloatMatrix s = Similarities.selfMatrix(FloatMatrix.fromRows(new float[][] {{1, 0}, {0, 1}}), Distance.L2);
    MiningBatch b = MiningBatch.selfScores(s, Distance.L2, new long[] {0, 1}, null);
    assertThrows(IllegalArgumentException.class, () -> Miners.create("distance-weighted", MinerConfig.defaults()).mine(b, 0));
  }

  /**
   * Over many steps one anchor's sampled negatives follow 1/q(d) restricted to d below the
   * nonzero-loss cutoff, computed here directly (not in log space) in a low dimension.
   */
  @Test
  void distanceWeightedFollowsInverseSphereDensity() {
    long seed = 99L;
    System.out.println("MinersTest distance-weighted seed=" + seed);
    int n = 40;
    int dim = 6;
    SplittableRandom r = new SplittableRandom(seed);
    float[] d = new float[n * dim];
    for (int k = 0; k < d.length; k++) {
      d[k] = (float) r.nextGaussian();
    }
    long[] labels = new long[n];
    labels[1] = 0;
    for (int k = 2; k < n; k++) {
      labels[k] = k;
    }
    MinerConfig c = MinerConfig.builder().seed(seed).build();
    MiningBatch b = MiningBatch.self(FloatMatrix.of(n, dim, d), labels, null, c);
    double[] w = new double[n];
    double sum = 0;
    for (int j = 2; j < n; j++) {
      double dist = b.scores().get(0, j);
      if (dist < c.dwNonzeroLossCutoff()) {
        double dc = Math.max(dist, c.dwCutoff());
        w[j] = 1.0 / (Math.pow(dc, dim - 2) * Math.pow(1 - dc * dc / 4, (dim - 3) / 2.0));
        sum += w[j];
      }
    }
    int trials = 20_000;
    int[] seen = new int[n];
    Miner m = Miners.create("distance-weighted", c);
    for (int step = 0; step < trials; step++) {
      Triplets t = m.mine(b, step);
      for (int row = 0; row < t.size(); row++) {
        if (t.anchor(row) == 0) {
          seen[t.negative(row)]++;
        }
      }
    }
    for (int j = 0; j < n; j++) {
      double p = w[j] / sum;
      double sd = Math.sqrt(trials * p * (1 - p));
      assertTrue(Math.abs(seen[j] - trials * p) <= 5 * sd + 1, "negative " + j + ": seen " + seen[j] + ", expected " + trials * p);
    }
  }
}
