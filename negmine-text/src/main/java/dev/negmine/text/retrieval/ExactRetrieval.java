package dev.negmine.text.retrieval;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.linalg.TopK;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact top-k search of query embeddings over document embeddings with negmine-core's similarity
 * kernels (dot product: the encoders' outputs are unit vectors, so this is cosine), ties to the
 * lower document index. As BEIR's evaluator does by default, a document whose id equals the query's
 * id is never returned for it (BEIR data sets such as ArguAna and Quora contain the query itself in
 * the corpus). Stateless; the kernels run on the core's threads.
 */
public final class ExactRetrieval {
  /** The ranking depth the metrics need (Recall@100, MAP@100). */
  public static final int DEPTH = 100;

  private ExactRetrieval() {}

  /**
   * Rankings of {@code queryIds} (rows of {@code queries}) over the documents (rows of
   * {@code docs}, ids {@code docIds}), best first, {@code depth} deep.
   */
  public static Map<String, List<String>> rank(List<String> queryIds, FloatMatrix queries, List<String> docIds, FloatMatrix docs,
      int depth) {
    if (queries.rows() != queryIds.size() || docs.rows() != docIds.size()) {
      throw new IllegalArgumentException("embeddings do not match the ids: " + queries.rows() + " vs " + queryIds.size()
          + " queries, " + docs.rows() + " vs " + docIds.size() + " documents");
    }
    String[] q = queryIds.toArray(String[]::new);
    String[] d = docIds.toArray(String[]::new);
    TopK top = Similarities.topK(queries, docs, Distance.DOT, depth, (qi, di) -> !q[qi].equals(d[di]));
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (int i = 0; i < q.length; i++) {
      int[] idx = new int[top.k()];
      for (int r = 0; r < top.k(); r++) {
        idx[r] = top.index(i, r);
      }
      out.put(q[i], IrMetrics.ids(d, idx));
    }
    return out;
  }
}
