package dev.negmine.text.finetune;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.linalg.TopK;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mines hard negatives of queries from a corpus by exact search ({@link MiningRule} says which
 * candidates count). Inputs are embeddings (unit rows: dot product = cosine) and, per query, the
 * corpus rows of its judged positives; documents sharing a text with a positive ({@code textGroup})
 * are treated as positives too, since an identical text is the same answer under another id.
 * Stateless and deterministic for a seed; the search runs on negmine-core's threads.
 */
public final class HardNegativeMiner {
  private HardNegativeMiner() {}

  /**
   * @param queries query embeddings, one row per query
   * @param docs document embeddings, one row per corpus document
   * @param positives per query, the corpus rows of its positives (at least one)
   * @param textGroup per corpus row, an id shared by rows with identical texts
   * @return per query, up to {@code rule.count()} corpus rows, most similar first for {@code top}
   */
  public static int[][] mine(FloatMatrix queries, FloatMatrix docs, int[][] positives, int[] textGroup, MiningRule rule,
      long seed) {
    if (queries.rows() != positives.length || docs.rows() != textGroup.length) {
      throw new IllegalArgumentException(queries.rows() + " queries, " + positives.length + " positive lists; "
          + docs.rows() + " documents, " + textGroup.length + " text groups");
    }
    int depth = Math.min(docs.rows(), rule.rangeMax());
    // groups of each query's positives: the filter excludes any document in them
    long[][] excluded = new long[positives.length][];
    for (int q = 0; q < positives.length; q++) {
      excluded[q] = new long[positives[q].length];
      for (int j = 0; j < positives[q].length; j++) {
        excluded[q][j] = textGroup[positives[q][j]];
      }
    }
    TopK top = Similarities.topK(queries, docs, Distance.DOT, depth, (q, d) -> {
      for (long g : excluded[q]) {
        if (g == textGroup[d]) {
          return false;
        }
      }
      return true;
    });
    int[][] out = new int[queries.rows()][];
    for (int q = 0; q < queries.rows(); q++) {
      double pos = Double.POSITIVE_INFINITY;
      for (int p : positives[q]) {
        pos = Math.min(pos, dot(queries, q, docs, p));
      }
      List<Integer> admitted = new ArrayList<>();
      for (int r = rule.rangeMin(); r < top.k(); r++) {
        int d = top.index(q, r);
        if (d < 0) {
          break;
        }
        if (rule.admits(dot(queries, q, docs, d), pos)) {
          admitted.add(d);
        }
      }
      out[q] = choose(admitted, rule, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + q));
    }
    return out;
  }

  private static int[] choose(List<Integer> admitted, MiningRule rule, SplittableRandom rnd) {
    int n = Math.min(rule.count(), admitted.size());
    if (rule.sampling().equals("random")) {
      // partial Fisher-Yates: a seeded choice without replacement, kept in rank order
      int[] a = admitted.stream().mapToInt(Integer::intValue).toArray();
      int[] rank = new int[a.length];
      for (int i = 0; i < a.length; i++) {
        rank[i] = i;
      }
      for (int i = 0; i < n; i++) {
        int j = i + rnd.nextInt(a.length - i);
        int t = rank[i];
        rank[i] = rank[j];
        rank[j] = t;
      }
      int[] chosen = java.util.Arrays.copyOf(rank, n);
      java.util.Arrays.sort(chosen);
      int[] out = new int[n];
      for (int i = 0; i < n; i++) {
        out[i] = a[chosen[i]];
      }
      return out;
    }
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = admitted.get(i);
    }
    return out;
  }

  static double dot(FloatMatrix a, int i, FloatMatrix b, int j) {
    float[] x = a.data();
    float[] y = b.data();
    int oi = a.offset(i);
    int oj = b.offset(j);
    double s = 0;
    for (int k = 0; k < a.cols(); k++) {
      s += x[oi + k] * y[oj + k];
    }
    return s;
  }
}
