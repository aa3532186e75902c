package dev.negmine.text.mine;

import dev.negmine.text.finetune.TrainingQueries;
import dev.negmine.text.retrieval.Document;
import dev.negmine.text.retrieval.RetrievalData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The (anchor, positive) pairs of one judged split as sentence-transformers' {@code
 * mine_hard_negatives} sees its dataset: anchors de-duplicated by text (a query text asked twice is
 * one anchor with both queries' positives), each anchor's positives de-duplicated by document text,
 * in order of first appearance; the corpus is every document, identical texts one candidate.
 * Immutable.
 */
public final class MiningPairs {
  private final List<String> anchors;
  private final int[][] positives;
  private final int maxPositives;
  private final int pairRows;
  private final List<String> corpusTexts;
  private final int[] textGroup;

  private MiningPairs(List<String> anchors, int[][] positives, int maxPositives, int pairRows, List<String> corpusTexts,
      int[] textGroup) {
    this.anchors = anchors;
    this.positives = positives;
    this.maxPositives = maxPositives;
    this.pairRows = pairRows;
    this.corpusTexts = corpusTexts;
    this.textGroup = textGroup;
  }

  /**
   * The pairs of {@code split} with relevance &gt; 0.
   *
   * @throws IllegalArgumentException if the split is missing or has no relevant pair
   */
  public static MiningPairs of(RetrievalData data, String split) {
    List<Document> corpus = data.corpus();
    int[] group = TrainingQueries.textGroups(corpus);
    Map<String, List<Integer>> byAnchor = new LinkedHashMap<>();
    Map<String, Integer> rows = new LinkedHashMap<>();
    int pairRows = 0;
    for (Map.Entry<String, Map<String, Integer>> q : data.qrels(split).entrySet()) {
      String anchor = data.queries().get(q.getKey());
      for (Map.Entry<String, Integer> j : q.getValue().entrySet()) {
        if (j.getValue() <= 0) {
          continue;
        }
        pairRows++;
        rows.merge(anchor, 1, Integer::sum);
        List<Integer> pos = byAnchor.computeIfAbsent(anchor, k -> new ArrayList<>());
        int d = data.documentIndex(j.getKey());
        if (pos.stream().noneMatch(p -> group[p] == group[d])) {
          pos.add(d);
        }
      }
    }
    if (byAnchor.isEmpty()) {
      throw new IllegalArgumentException(data.source() + ": split '" + split + "' has no query with a relevant document");
    }
    int[][] pos = byAnchor.values().stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    List<String> texts = corpus.stream().map(Document::embeddingText).toList();
    int max = rows.values().stream().mapToInt(Integer::intValue).max().orElse(1);
    return new MiningPairs(List.copyOf(byAnchor.keySet()), pos, max, pairRows, texts, group);
  }

  /** Distinct anchor texts, in order of first appearance. */
  public List<String> anchors() {
    return anchors;
  }

  /** Per anchor, the corpus rows of its positives (distinct texts). */
  public int[][] positives() {
    return positives;
  }

  /** Total positives over all anchors: the rows of the positive statistics. */
  public int positivePairs() {
    int n = 0;
    for (int[] p : positives) {
      n += p.length;
    }
    return n;
  }

  /** The most (anchor, positive) judgments any one anchor has: the window's allowance for positives. */
  public int maxPositives() {
    return maxPositives;
  }

  /** (anchor, positive) judgments in the split, before any de-duplication (the dataset's length). */
  public int pairRows() {
    return pairRows;
  }

  /** Text of each corpus row (title + " " + text, stripped). */
  public List<String> corpusTexts() {
    return corpusTexts;
  }

  /** Per corpus row, an id shared by identical texts. */
  public int[] textGroup() {
    return textGroup;
  }

  /**
   * sentence-transformers' default {@code range_max}: with a margin or a {@code max_score} ten
   * candidates per negative wanted (some will be filtered), else just enough; plus the skipped
   * {@code rangeMin} and room for the positives.
   */
  public int defaultRangeMax(int rangeMin, int numNegatives, boolean filtered) {
    return rangeMin + (filtered ? numNegatives * 10 : numNegatives) + maxPositives;
  }
}
