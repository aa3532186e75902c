package dev.negmine.train.dynamic;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.linalg.TopK;
import dev.negmine.index.dynamic.DynamicIndex;
import dev.negmine.index.dynamic.Neighbors;
import dev.negmine.index.dynamic.SgTree;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Speed of the tree against exact brute force over the same vectors: softmax samples per second
 * and exact k-NN queries per second (one thread for the tree; the brute-force scan uses the core
 * kernel, which may use every core). Medians of several rounds.
 */
final class Throughput {
  private Throughput() {}

  static Map<String, Object> measure(FloatMatrix vectors, FloatMatrix queries, double tau, int perQuery, int knnK, int rounds) {
    DynamicIndex tree = DynamicIndex.builder(vectors).metric(SgTree.Metric.COSINE).tau(tau).frontier(0.5, 4000)
        .sampling(DynamicIndex.Sampling.TREE).build();
    DynamicIndex brute = DynamicIndex.builder(vectors).metric(SgTree.Metric.COSINE).tau(tau)
        .sampling(DynamicIndex.Sampling.BRUTE_FORCE).build();
    int qn = queries.rows();
    double[] treeSample = new double[rounds];
    double[] bruteSample = new double[rounds];
    double[] treeKnn = new double[rounds];
    double[] bruteKnn = new double[rounds];
    long scored = 0;
    long proposals = 0;
    long accepted = 0;
    long knnScored = 0;
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      DynamicIndex.Negatives a = tree.sample(queries, perQuery, r);
      treeSample[r] = (System.nanoTime() - t0) / 1e9;
      t0 = System.nanoTime();
      brute.sample(queries, perQuery, r);
      bruteSample[r] = (System.nanoTime() - t0) / 1e9;
      scored += a.scored();
      proposals += a.proposals();
      accepted += a.accepted();
      t0 = System.nanoTime();
      long ks = 0;
      for (int i = 0; i < qn; i++) {
        Neighbors nb = tree.tree().knn(queries.row(i), knnK);
        ks += nb.scored();
      }
      treeKnn[r] = (System.nanoTime() - t0) / 1e9;
      knnScored += ks;
      t0 = System.nanoTime();
      TopK top = Similarities.topK(Similarities.normalizeRows(queries), brute.vectors(), Distance.DOT, knnK);
      bruteKnn[r] = (System.nanoTime() - t0) / 1e9;
      if (top.k() != knnK) {
        throw new IllegalStateException("brute-force top-k returned " + top.k());
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("targets", vectors.rows());
    m.put("queries", qn);
    m.put("samples_per_query", perQuery);
    m.put("tree_samples_per_s", Math.round(qn * perQuery / median(treeSample)));
    m.put("brute_force_samples_per_s", Math.round(qn * perQuery / median(bruteSample)));
    m.put("tree_acceptance_rate", ArmRun.round((double) accepted / proposals));
    m.put("tree_targets_scored_per_sampling_query", ArmRun.round((double) scored / (rounds * (double) qn)));
    m.put("knn_k", knnK);
    m.put("tree_exact_knn_queries_per_s", Math.round(qn / median(treeKnn)));
    m.put("brute_force_knn_queries_per_s", Math.round(qn / median(bruteKnn)));
    m.put("tree_targets_scored_per_knn_query", ArmRun.round((double) knnScored / (rounds * (double) qn)));
    m.put("tree_height", tree.tree().height());
    m.put("threads", Runtime.getRuntime().availableProcessors());
    return m;
  }

  private static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
