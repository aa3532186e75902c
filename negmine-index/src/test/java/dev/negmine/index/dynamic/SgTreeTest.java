package dev.negmine.index.dynamic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.FloatMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** SG-tree structure, radius validity under updates and deletes, and exact k-NN, all against brute force. */
class SgTreeTest {
  static final long SEED = 20240605L;

  /** Clustered vectors: {@code clusters} Gaussian centres with spread {@code spread}. */
  static FloatMatrix clustered(int n, int dim, int clusters, double spread, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] c = new double[clusters][dim];
    for (double[] row : c) {
      for (int j = 0; j < dim; j++) {
        row[j] = r.nextGaussian();
      }
    }
    FloatMatrix m = FloatMatrix.zeros(n, dim);
    for (int i = 0; i < n; i++) {
      double[] cc = c[r.nextInt(clusters)];
      for (int j = 0; j < dim; j++) {
        m.set(i, j, (float) (cc[j] + spread * r.nextGaussian()));
      }
    }
    return m;
  }

  static float dist(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return (float) Math.sqrt(s);
  }

  /** Every radius bounds the distance to every member of its subtree; every id is reachable once. */
  static void assertValid(SgTree t, Set<Integer> expectedIds) {
    assertEquals(expectedIds.size(), t.size());
    if (t.size() == 0) {
      return;
    }
    int[] all = t.subtree(t.root());
    Set<Integer> seen = new HashSet<>();
    for (int id : all) {
      assertTrue(seen.add(id), "id " + id + " reachable twice");
    }
    assertEquals(expectedIds, seen);
    for (int id : all) {
      float[] v = t.vector(id);
      float r = t.radius(id);
      for (int m : t.subtree(id)) {
        float d = dist(v, t.vector(m));
        assertTrue(d <= r * (1 + 1e-5f) + 1e-6f, "node " + id + " radius " + r + " < distance " + d + " to " + m);
      }
      for (int c : t.children(id)) {
        assertEquals(id, t.parent(c));
      }
    }
  }

  @Test
  void radiiStayValidThroughInsertsDeletesUpdatesAndDrift() {
    System.out.println("seed " + SEED);
    SplittableRandom r = new SplittableRandom(SEED);
    int dim = 8;
    FloatMatrix data = clustered(400, dim, 12, 0.3, SEED);
    SgTree t = new SgTree(dim, SgTree.Metric.DOT);
    Set<Integer> ids = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      t.insert(i, data.row(i));
      ids.add(i);
    }
    assertValid(t, ids);
    // deletes, including inner nodes and the root
    t.delete(t.root());
    ids.remove(ids.stream().filter(i -> !t.contains(i)).findFirst().orElseThrow());
    List<Integer> order = new ArrayList<>(ids);
    for (int k = 0; k < 80; k++) {
      int id = order.remove(r.nextInt(order.size()));
      t.delete(id);
      ids.remove(id);
    }
    assertValid(t, ids);
    // single updates: move targets far away and back into other clusters
    for (int k = 0; k < 60; k++) {
      int id = order.get(r.nextInt(order.size()));
      t.update(id, data.row(300 + r.nextInt(100)));
    }
    assertValid(t, ids);
    // inserts after deletes reuse freed ids
    for (int i = 300; i < 400; i++) {
      t.insert(i, data.row(i));
      ids.add(i);
    }
    assertValid(t, ids);
    // bulk drift: a random linear map plus noise, radii recomputed bottom-up
    FloatMatrix moved = FloatMatrix.zeros(400, dim);
    for (int i = 0; i < 400; i++) {
      for (int j = 0; j < dim; j++) {
        double s = 0;
        for (int k = 0; k < dim; k++) {
          s += data.get(i, k) * (j == k ? 1.3 : 0.2 * Math.sin(j * 7 + k));
        }
        moved.set(i, j, (float) (s + 0.5 * r.nextGaussian()));
      }
    }
    t.updateVectors(null, moved);
    assertValid(t, ids);
    assertEquals(ids.size(), t.subtreeSize(t.root()));
    int rebuilt = t.rebuildSmallSubtrees(16);
    assertTrue(rebuilt > 0);
    assertValid(t, ids);
    t.rebuildSubtree(t.root());
    assertValid(t, ids);
  }

  @Test
  void exactKnnEqualsBruteForce() {
    for (SgTree.Metric metric : SgTree.Metric.values()) {
      int dim = 16;
      FloatMatrix data = clustered(3000, dim, 40, 0.25, SEED + 1);
      SgTree t = SgTree.build(data, metric);
      // Drift a little so the structure and the vectors disagree, as after training steps.
      FloatMatrix moved = data.copy();
      SplittableRandom r = new SplittableRandom(SEED + 2);
      for (int i = 0; i < moved.data().length; i++) {
        moved.data()[i] += (float) (0.2 * r.nextGaussian());
      }
      t.updateVectors(null, moved);
      long scored = 0;
      for (int qi = 0; qi < 50; qi++) {
        float[] q = new float[dim];
        for (int j = 0; j < dim; j++) {
          q[j] = (float) r.nextGaussian();
        }
        int k = 1 + r.nextInt(60);
        Neighbors got = t.knn(q, k);
        float[] qq = t.prepareQuery(q);
        float[] brute = new float[3000];
        Integer[] idx = new Integer[3000];
        for (int i = 0; i < 3000; i++) {
          brute[i] = t.score(qq, i);
          idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(brute[b], brute[a]));
        float[] want = new float[k];
        for (int i = 0; i < k; i++) {
          want[i] = brute[idx[i]];
        }
        assertArrayEquals(want, got.scores(), 0f, metric + " query " + qi);
        for (int i = 0; i < k; i++) {
          assertEquals(brute[got.ids()[i]], got.scores()[i], 0f);
        }
        scored += got.scored();
        Neighbors wide = t.beam(q, k, 3000);
        assertArrayEquals(want, wide.scores(), 0f, "beam as wide as the tree is exact");
      }
      System.out.println(metric + ": mean targets scored per exact query " + scored / 50 + " of 3000");
    }
  }

  @Test
  void badInputIsRefused() {
    SgTree t = new SgTree(3, SgTree.Metric.COSINE);
    t.insert(0, new float[] {1, 0, 0});
    assertThrowsMessage(() -> t.insert(0, new float[] {0, 1, 0}), "already");
    assertThrowsMessage(() -> t.insert(1, new float[] {0, 0, 0}), "norm");
    assertThrowsMessage(() -> t.delete(5), "not in the tree");
    assertThrowsMessage(() -> t.knn(new float[2], 1), "dimensions");
  }

  static void assertThrowsMessage(Runnable r, String part) {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }
}
