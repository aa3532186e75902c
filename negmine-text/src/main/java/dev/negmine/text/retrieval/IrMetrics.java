package dev.negmine.text.retrieval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Ranking metrics with the definitions of BEIR's evaluator (pytrec_eval, i.e. trec_eval, plus
 * BEIR's own MRR): for each judged query with at least one relevant document (relevance > 0),
 * <ul>
 *   <li>nDCG@10 ({@code ndcg_cut_10}): DCG = sum over ranks r <= 10 of rel / log2(r + 1), gains
 *       linear in the judged relevance; ideal DCG from all judged relevances sorted descending;
 *   <li>MRR@10 (BEIR {@code mrr}): 1 / rank of the first relevant document in the top 10, else 0;
 *   <li>Recall@k ({@code recall_k}): relevant documents in the top k / all relevant documents;
 *   <li>MAP@100 ({@code map_cut_100}): sum of precision@r over the ranks r <= 100 holding a relevant
 *       document, divided by the number of relevant documents;
 * </ul>
 * each averaged over those queries. Unjudged documents count as not relevant. Stateless.
 */
public final class IrMetrics {
  private IrMetrics() {}

  /**
   * The averages.
   *
   * @param queries queries evaluated (judged, with at least one relevant document)
   */
  public record Result(int queries, double ndcg10, double mrr10, double recall10, double recall100, double map100) {
    public String toJson() {
      return String.format(Locale.ROOT,
          "{\"queries\": %d, \"ndcg@10\": %.6f, \"mrr@10\": %.6f, \"recall@10\": %.6f, \"recall@100\": %.6f, \"map@100\": %.6f}",
          queries, ndcg10, mrr10, recall10, recall100, map100);
    }

    public String toTable() {
      return String.format(Locale.ROOT, "queries %d%nnDCG@10     %.4f%nMRR@10      %.4f%nRecall@10   %.4f%nRecall@100  %.4f%nMAP@100     %.4f%n",
          queries, ndcg10, mrr10, recall10, recall100, map100);
    }
  }

  /**
   * Evaluates rankings against judgments.
   *
   * @param qrels query id -> document id -> relevance
   * @param rankings query id -> document ids, best first (at least the top 100 where available);
   *     a judged query without a ranking scores 0
   */
  public static Result evaluate(Map<String, Map<String, Integer>> qrels, Map<String, List<String>> rankings) {
    int n = 0;
    double ndcg = 0;
    double mrr = 0;
    double r10 = 0;
    double r100 = 0;
    double map = 0;
    for (Map.Entry<String, Map<String, Integer>> q : qrels.entrySet()) {
      Map<String, Integer> judged = q.getValue();
      long relevant = judged.values().stream().filter(r -> r > 0).count();
      if (relevant == 0) {
        continue;
      }
      n++;
      List<String> ranked = rankings.getOrDefault(q.getKey(), List.of());
      ndcg += ndcg(judged, ranked, 10);
      mrr += mrr(judged, ranked, 10);
      r10 += recall(judged, ranked, 10, relevant);
      r100 += recall(judged, ranked, 100, relevant);
      map += averagePrecision(judged, ranked, 100, relevant);
    }
    if (n == 0) {
      throw new IllegalArgumentException("no judged query has a relevant document");
    }
    return new Result(n, ndcg / n, mrr / n, r10 / n, r100 / n, map / n);
  }

  static double ndcg(Map<String, Integer> judged, List<String> ranked, int k) {
    double dcg = 0;
    for (int r = 0; r < Math.min(k, ranked.size()); r++) {
      int rel = judged.getOrDefault(ranked.get(r), 0);
      if (rel > 0) {
        dcg += rel / log2(r + 2);
      }
    }
    List<Integer> ideal = new ArrayList<>(judged.values().stream().filter(x -> x > 0).toList());
    ideal.sort((a, b) -> Integer.compare(b, a));
    double idcg = 0;
    for (int r = 0; r < Math.min(k, ideal.size()); r++) {
      idcg += ideal.get(r) / log2(r + 2);
    }
    return idcg == 0 ? 0 : dcg / idcg;
  }

  static double mrr(Map<String, Integer> judged, List<String> ranked, int k) {
    for (int r = 0; r < Math.min(k, ranked.size()); r++) {
      if (judged.getOrDefault(ranked.get(r), 0) > 0) {
        return 1.0 / (r + 1);
      }
    }
    return 0;
  }

  static double recall(Map<String, Integer> judged, List<String> ranked, int k, long relevant) {
    long hit = ranked.stream().limit(k).filter(d -> judged.getOrDefault(d, 0) > 0).count();
    return (double) hit / relevant;
  }

  static double averagePrecision(Map<String, Integer> judged, List<String> ranked, int k, long relevant) {
    double sum = 0;
    int hits = 0;
    for (int r = 0; r < Math.min(k, ranked.size()); r++) {
      if (judged.getOrDefault(ranked.get(r), 0) > 0) {
        hits++;
        sum += (double) hits / (r + 1);
      }
    }
    return sum / relevant;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  /** Helper for tests and callers holding arrays: {@code ids[i]} for each index. */
  static List<String> ids(String[] ids, int[] idx) {
    return Arrays.stream(idx).filter(i -> i >= 0).mapToObj(i -> ids[i]).toList();
  }
}
