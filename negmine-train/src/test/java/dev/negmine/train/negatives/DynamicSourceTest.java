package dev.negmine.train.negatives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class DynamicSourceTest {
  private static final int N = 300;
  private static final int D = 6;
  private static final double TAU = 0.2;

  /** Items: 10 labels around random centres; the "model" is a linear map that the test drifts. */
  private static final class Setup {
    final FloatMatrix x = FloatMatrix.zeros(N, D);
    final long[] labels = new long[N];
    final float[][] w = new float[D][D];
    final AtomicLong embedded = new AtomicLong();
    final UnaryOperator<FloatMatrix> embed = in -> {
      embedded.addAndGet(in.rows());
      FloatMatrix out = FloatMatrix.zeros(in.rows(), D);
      for (int r = 0; r < in.rows(); r++) {
        for (int j = 0; j < D; j++) {
          float s = 0;
          for (int i = 0; i < D; i++) {
            s += in.get(r, i) * w[i][j];
          }
          out.set(r, j, s);
        }
      }
      return out;
    };

    Setup(long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      float[][] centres = new float[10][D];
      for (float[] c : centres) {
        for (int j = 0; j < D; j++) {
          c[j] = (float) r.nextGaussian();
        }
      }
      for (int i = 0; i < N; i++) {
        labels[i] = i % 10;
        for (int j = 0; j < D; j++) {
          x.set(i, j, centres[i % 10][j] + 0.3f * (float) r.nextGaussian());
        }
      }
      for (int i = 0; i < D; i++) {
        w[i][i] = 1f;
      }
    }

    void drift(double amount, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      for (int i = 0; i < D; i++) {
        for (int j = 0; j < D; j++) {
          w[i][j] += (float) (amount * r.nextGaussian());
        }
      }
    }
  }

  @Test
  void drawsDropTheAnchorsLabelAndMapToBatchOrExtraRows() {
    Setup s = new Setup(3);
    DynamicSource src = new DynamicSource(new DynamicSource.Config(20, 2, 1, 0, TAU, true), s.x, s.labels, 7, s.embed);
    int[] rows = {0, 1, 2, 3, 10, 11};
    int[] want = {5, 5, 5, 0, 5, 5};
    Map<Integer, Integer> extra = new LinkedHashMap<>();
    DynamicSource.Draws d = src.draw(rows, want, 0, extra);
    assertEquals(N, s.embedded.get(), "the first draw embeds every item once");
    int[] extraRows = extra.keySet().stream().mapToInt(Integer::intValue).toArray();
    for (int a = 0; a < rows.length; a++) {
      assertTrue(d.rows[a].length <= want[a]);
      for (int row : d.rows[a]) {
        int item = row < rows.length ? rows[row] : extraRows[row - rows.length];
        assertNotEquals(s.labels[rows[a]], s.labels[item], "same-label draws are dropped");
      }
    }
    assertEquals(0, d.rows[3].length);
    Map<String, Object> st = src.stats();
    assertEquals(25L, st.get("drawn"));
    assertTrue((double) st.get("same_label_dropped_fraction") > 0, "the anchor itself is the likeliest draw");
  }

  @Test
  void logQIsTheExpectedCountUnderTheExactSoftmax() {
    Setup s = new Setup(5);
    DynamicSource src = new DynamicSource(new DynamicSource.Config(20, 2, 1, 0, TAU, true), s.x, s.labels, 7, s.embed);
    int[] rows = {4, 9, 14, 19};
    int[] want = {3, 2, 0, 4};
    Map<Integer, Integer> extra = new LinkedHashMap<>();
    DynamicSource.Draws d = src.draw(rows, want, 0, extra);
    int[] items = new int[rows.length + extra.size()];
    System.arraycopy(rows, 0, items, 0, rows.length);
    int k = rows.length;
    for (int it : extra.keySet()) {
      items[k++] = it;
    }
    float[] lq = src.logQ(rows.length, items, d);
    // reference: brute-force softmax over the normalised embeddings (no drift yet: the index is exact)
    FloatMatrix v = Similarities.normalizeRows(s.embed.apply(s.x));
    FloatMatrix sc = Similarities.matrix(v, v, dev.negmine.core.linalg.Distance.DOT);
    for (int j = 0; j < items.length; j++) {
      double c = (double) rows.length / N;
      for (int a = 0; a < rows.length; a++) {
        double z = 0;
        for (int y = 0; y < N; y++) {
          z += Math.exp(sc.get(rows[a], y) / TAU);
        }
        c += want[a] * Math.exp(sc.get(rows[a], items[j]) / TAU) / z;
      }
      assertEquals(Math.log(c), lq[j], 1e-3, "row " + j);
    }
  }

  @Test
  void landmarkRefreshesTrackADriftAndAreCounted() {
    Setup s = new Setup(9);
    DynamicSource src = new DynamicSource(new DynamicSource.Config(30, 2, 2, 0, TAU, false), s.x, s.labels, 7, s.embed);
    int[] rows = {0, 1};
    int[] want = {2, 2};
    src.draw(rows, want, 0, new HashMap<>());
    s.drift(0.3, 11);
    src.draw(rows, want, 1, new HashMap<>()); // refreshEvery = 2: no refresh at step 1
    assertEquals(N, s.embedded.get());
    src.draw(rows, want, 2, new HashMap<>());
    assertEquals(N + 30, s.embedded.get(), "one landmark refresh");
    assertEquals((long) (N + 30), src.stats().get("encoded_rows"));
    // a linear drift is recovered exactly from >= D + 1 landmarks
    FloatMatrix truth = Similarities.normalizeRows(s.embed.apply(s.x));
    FloatMatrix est = src.index().vectors();
    double worst = 0;
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < D; j++) {
        worst = Math.max(worst, Math.abs(truth.get(i, j) - est.get(i, j)));
      }
    }
    assertTrue(worst < 1e-3, "estimates follow the drift, worst error " + worst);
  }

  @Test
  void configAndMixAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> new DynamicSource.Config(1, 1, 1, 0, TAU, true));
    assertThrows(IllegalArgumentException.class, () -> new DynamicSource.Config(10, 1, 1, 0, 0, true));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourcesConfig.builder()
        .mix("in-batch=0.5,dynamic=0.5").dynamic(DynamicSource.Config.defaults(0.05, true)).build());
    assertTrue(e.getMessage().contains("dynamic=1"), e.getMessage());
    SourcesConfig c = SourcesConfig.builder().mix("in-batch=0.5,dynamic=0.5").build();
    assertTrue(c.usesDynamic());
    assertTrue(!c.dynamicInfoNce() && c.dynamic() != null, "the mixer's dynamic share gets default settings");
  }
}
