package dev.negmine.train.negatives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.train.engine.TorchRuntime;
import dev.negmine.train.loss.MixedTripletLoss;
import dev.negmine.train.loss.Reduction;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SyntheticNegativesTest {
  private static final float[][] NEG = {{0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}, {0, -1, 0, 0}};
  private static final float[] ANCHOR = {1, 0, 0, 0};

  @Test
  void mixesAreUnitSeededAndDrawnFromTheHardestOnly() {
    SyntheticNegatives s = new SyntheticNegatives(2, 20, 20, 0.5);
    // distances: negatives 1 and 2 are the two hardest
    float[] dist = {1.5f, 0.5f, 0.7f, 1.9f};
    List<float[]> a = s.mix(ANCHOR, List.of(NEG), dist, new SplittableRandom(3));
    List<float[]> b = s.mix(ANCHOR, List.of(NEG), dist, new SplittableRandom(3));
    assertEquals(40, a.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), "seeded");
      float[] v = a.get(i);
      double norm = 0;
      for (float f : v) {
        norm += f * f;
      }
      assertEquals(1, norm, 1e-5);
      assertEquals(0, v[1], 0, "negatives 0 and 3 are not among the 2 hardest");
      if (i < 20) {
        // pair mixes: positive weights on negatives 1 and 2 only, none on the anchor
        assertEquals(0, v[0], 0);
        assertTrue(v[2] > 0 && v[3] > 0, "a pair mix of the two hardest");
      } else {
        // anchor mixes: b q + (1 - b) n with b < 0.5, so the negative keeps the larger weight
        assertTrue(v[0] >= 0 && (v[0] < v[2] || v[0] < v[3]), "anchor weight below the negative's");
        assertTrue(v[2] == 0 || v[3] == 0, "one hard negative per anchor mix");
      }
    }
    assertEquals(20, s.mix(ANCHOR, List.of(NEG[0]), new float[] {1}, new SplittableRandom(1)).size(),
        "one negative: no pairs, only the 20 anchor mixes");
    assertThrows(IllegalArgumentException.class, () -> new SyntheticNegatives(5, 0, 0, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new SyntheticNegatives(5, 1, 1, 0.7));
    assertThrows(IllegalArgumentException.class, () -> SyntheticNegatives.parse("pairs=x"));
    assertEquals(new SyntheticNegatives(8, 4, 2, 0.5), SyntheticNegatives.parse("hardest=8"));
  }

  /**
   * Rows: anchor a, positive p, negatives n1..n3 (sources of the mixes, neither anchor nor positive).
   * The synthetic terms alone give exactly zero gradient to n1..n3, and the full loss gives them
   * the same (count-scaled) gradient as the loss without synthetic terms; mixing on the graph
   * instead (not detached) would give them a gradient, so the check can fail.
   */
  @Test
  void syntheticNegativesCarryNoGradientIntoTheRowsTheyWereMixedFrom() {
    float[] host = {1, 0, 0, 0, 0.9f, 0.1f, 0, 0, 0, 1, 0, 0, 0.6f, 0, 0.8f, 0, 0, 0, 0.7f, 0.7f};
    int rowsN = 5;
    int d = 4;
    float[] hn = FloatMatrix.of(rowsN, d, host).data();
    SyntheticNegatives s = new SyntheticNegatives(3, 3, 2, 0.5);
    List<float[]> negs = List.of(slice(hn, 2, d), slice(hn, 3, d), slice(hn, 4, d));
    float[] dist = {dist(hn, 0, 2, d), dist(hn, 0, 3, d), dist(hn, 0, 4, d)};
    List<float[]> synth = s.mix(slice(hn, 0, d), negs, dist, new SplittableRandom(9));
    int k = synth.size();
    float[] c = new float[k * d];
    for (int i = 0; i < k; i++) {
      System.arraycopy(synth.get(i), 0, c, i * d, d);
    }
    double margin = 5; // every term active: the active mean is the plain mean
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      // real terms: (a, p, n_j); synthetic terms: (a, p, s_i), s_i constants after the rows
      int[] realAnchor = {0, 0, 0};
      int[] realRow = {2, 3, 4};
      int[] synthAnchor = new int[k];
      int[] synthRow = new int[k];
      for (int i = 0; i < k; i++) {
        synthRow[i] = rowsN + i;
      }
      float[] gReal = grad(m, hn, rowsN, d, null, realAnchor, realRow, margin);
      float[] gSynth = grad(m, hn, rowsN, d, c, synthAnchor, synthRow, margin);
      int[] allAnchor = new int[3 + k];
      int[] allRow = new int[3 + k];
      System.arraycopy(realRow, 0, allRow, 0, 3);
      System.arraycopy(synthRow, 0, allRow, 3, k);
      float[] gAll = grad(m, hn, rowsN, d, c, allAnchor, allRow, margin);
      for (int r = 2; r < rowsN; r++) {
        for (int j = 0; j < d; j++) {
          assertEquals(0f, gSynth[r * d + j], 0f, "synthetic terms reach source row " + r);
          assertEquals(gReal[r * d + j] * 3, gAll[r * d + j] * (3 + k), 1e-5, "source row " + r);
        }
      }
      boolean anchorMoved = false;
      for (int j = 0; j < d; j++) {
        anchorMoved |= gSynth[j] != 0;
      }
      assertTrue(anchorMoved, "the synthetic terms do train the anchor");
      // not detached: the same mixes built on the graph give the source rows a gradient
      NDArray x = m.create(hn, new Shape(rowsN, d));
      x.setRequiresGradient(true);
      try (var gc = TorchRuntime.engine().newGradientCollector()) {
        NDArray mixed = x.get("2").mul(0.5f).add(x.get("3").mul(0.5f)).reshape(1, d);
        NDArray unit = mixed.div(mixed.norm());
        NDArray all = NDArrays.concat(new NDList(x, unit), 0);
        NDArray l = MixedTripletLoss.compute(all, 2, null, new int[] {0}, new int[] {rowsN}, new int[] {1}, new int[] {0},
            margin, Reduction.ACTIVE_MEAN);
        gc.backward(l);
      }
      assertNotEquals(0f, Math.abs(x.getGradient().toFloatArray()[2 * d + 1]) + Math.abs(x.getGradient().toFloatArray()[2 * d]),
          "sensitivity: a mix on the graph would reach its sources");
    }
  }

  /** End to end through NegativeSources: counts, seeded, and synthetic rows stand only as negatives. */
  @Test
  void sourcesAddSyntheticNegativesOnlyAsNegatives() {
    SourcesConfig sc = SourcesConfig.builder().mix("in-batch=1").slots(6).build();
    NegativeSources s = NegativeSourcesTest.sources(sc, InstantSource.system(), null);
    s.useSynthetic(new SyntheticNegatives(4, 3, 2, 0.5));
    int[] rows = NegativeSourcesTest.batch(24, 5);
    long[] labels = NegativeSourcesTest.labels();
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      StepRequest plan = s.prepare(rows, 3);
      FloatMatrix host = NegativeSourcesTest.features(1).gather(plan.forwardRows());
      NDArray all = m.create(host.data(), new Shape(host.rows(), host.cols()));
      float v1 = s.loss(plan, all, host, 0.2, Reduction.ACTIVE_MEAN).getFloat();
      dev.negmine.train.loss.StepTuples t = s.lastTuples;
      int synthRows = s.lastSyntheticRows;
      @SuppressWarnings("unchecked")
      Map<String, Map<String, Object>> per = (Map<String, Map<String, Object>>) s.lastStats().get("sources");
      assertEquals((long) synthRows, per.get("synthetic").get("count"));
      assertTrue(synthRows > 0);
      // synthetic vectors are the last constant rows of the step's table
      int synthStart = t.liveRows() + t.constants().rows() - synthRows;
      int synthNegs = 0;
      for (int i = 0; i < t.negRow().length; i++) {
        synthNegs += t.negRow()[i] >= synthStart ? 1 : 0;
      }
      assertEquals(synthRows, synthNegs, "every synthetic row is a negative of one anchor");
      for (int i = 0; i < t.termPositive().length; i++) {
        int p = t.termPositive()[i];
        int a = t.negAnchor()[t.termNegative()[i]];
        assertTrue(p < rows.length, "positives are batch rows, never synthetic or extra rows");
        assertEquals(labels[rows[a]], labels[rows[p]], "positive shares the anchor's label");
        int nr = t.negRow()[t.termNegative()[i]];
        if (nr < rows.length) {
          assertNotEquals(labels[rows[a]], labels[rows[nr]], "real in-batch negatives have another label");
        }
      }
      float v2 = s.loss(plan, all, host, 0.2, Reduction.ACTIVE_MEAN).getFloat();
      assertEquals(v1, v2, 0f, "seeded by (seed, step)");
      s.useSynthetic(null);
      s.loss(plan, all, host, 0.2, Reduction.ACTIVE_MEAN);
      assertEquals(0, s.lastSyntheticRows);
    }
  }

  private static float[] grad(NDManager m, float[] host, int n, int d, float[] constants, int[] negAnchor, int[] negRow,
      double margin) {
    NDArray x = m.create(host, new Shape(n, d));
    x.setRequiresGradient(true);
    NDArray c = constants == null ? null : m.create(constants, new Shape(constants.length / d, d));
    int[] termPos = new int[negAnchor.length];
    int[] termNeg = new int[negAnchor.length];
    java.util.Arrays.fill(termPos, 1);
    for (int i = 0; i < termNeg.length; i++) {
      termNeg[i] = i;
    }
    try (var gc = TorchRuntime.engine().newGradientCollector()) {
      // batch = rows 0..1 (anchor, positive); negatives are extra rows or constants
      NDArray l = MixedTripletLoss.compute(x, 2, c, negAnchor, negRow, termPos, termNeg, margin, Reduction.ACTIVE_MEAN);
      gc.backward(l);
    }
    return x.getGradient().toFloatArray();
  }

  private static float[] slice(float[] x, int row, int d) {
    return java.util.Arrays.copyOfRange(x, row * d, row * d + d);
  }

  private static float dist(float[] x, int i, int j, int d) {
    double s = 0;
    for (int k = 0; k < d; k++) {
      double t = x[i * d + k] - x[j * d + k];
      s += t * t;
    }
    return (float) Math.sqrt(s);
  }
}
