package dev.negmine.text.finetune;

import dev.negmine.text.retrieval.Document;
import dev.negmine.text.retrieval.RetrievalData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The training side of a retrieval data set, by index: the training queries, each one's positive
 * corpus rows (relevance &gt; 0), its explicit negatives from the data (sentence-transformers'
 * {@code negative} columns), and per corpus row a text group (rows with identical text share one),
 * so "the same document" is one notion everywhere. Which queries train and which validate is
 * decided here too: the data's {@code dev} split when it has one, else a seeded slice of the
 * training queries (at most {@link #MAX_CARVED_DEV}) held out of training. Immutable.
 */
public final class TrainingQueries {
  /** Queries held out for validation when the data has no dev split: enough for a stable nDCG@10, cheap to embed. */
  public static final int MAX_CARVED_DEV = 200;
  public static final double CARVED_DEV_FRACTION = 0.05;

  private final List<String> ids;
  private final List<String> texts;
  private final int[][] positives;
  private final int[][] explicitNegatives;
  private final int[] textGroup;
  private final String devSplit;
  private final Map<String, Map<String, Integer>> devQrels;

  private TrainingQueries(List<String> ids, List<String> texts, int[][] positives, int[][] explicitNegatives, int[] textGroup,
      String devSplit, Map<String, Map<String, Integer>> devQrels) {
    this.ids = ids;
    this.texts = texts;
    this.positives = positives;
    this.explicitNegatives = explicitNegatives;
    this.textGroup = textGroup;
    this.devSplit = devSplit;
    this.devQrels = devQrels;
  }

  /**
   * @param seed decides the carved dev slice when the data has no dev split
   * @throws IllegalArgumentException if the data has no train split or no query with a positive
   */
  public static TrainingQueries of(RetrievalData data, long seed) {
    if (!data.splits().contains("train")) {
      throw new IllegalArgumentException(data.source() + ": no training judgments (qrels/train.tsv); have "
          + String.join(", ", data.splits()));
    }
    Map<String, Map<String, Integer>> train = new LinkedHashMap<>();
    data.qrels("train").forEach((q, docs) -> {
      if (docs.values().stream().anyMatch(r -> r > 0)) {
        train.put(q, docs);
      }
    });
    if (train.isEmpty()) {
      throw new IllegalArgumentException(data.source() + ": qrels/train.tsv has no query with a relevant document");
    }
    String devSplit;
    Map<String, Map<String, Integer>> dev;
    if (data.splits().contains("dev")) {
      devSplit = "dev";
      dev = data.qrels("dev");
    } else {
      devSplit = "train (held out)";
      dev = new LinkedHashMap<>();
      List<String> all = new ArrayList<>(train.keySet());
      int n = all.size() < 20 ? 0 : Math.min(MAX_CARVED_DEV, (int) Math.round(all.size() * CARVED_DEV_FRACTION));
      SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
      for (int i = 0; i < n; i++) {
        int j = i + rnd.nextInt(all.size() - i);
        String t = all.get(i);
        all.set(i, all.get(j));
        all.set(j, t);
        dev.put(all.get(i), train.remove(all.get(i)));
      }
      if (n == 0) {
        devSplit = null;
      }
    }
    int[] group = textGroups(data.corpus());
    List<String> ids = new ArrayList<>(train.keySet());
    List<String> texts = new ArrayList<>(ids.size());
    int[][] pos = new int[ids.size()][];
    int[][] neg = new int[ids.size()][];
    for (int i = 0; i < ids.size(); i++) {
      String q = ids.get(i);
      texts.add(data.queries().get(q));
      pos[i] = train.get(q).entrySet().stream().filter(e -> e.getValue() > 0).mapToInt(e -> data.documentIndex(e.getKey())).toArray();
      neg[i] = data.negatives().getOrDefault(q, List.of()).stream().mapToInt(data::documentIndex).toArray();
    }
    return new TrainingQueries(List.copyOf(ids), List.copyOf(texts), pos, neg, group, devSplit, dev);
  }

  /** Per corpus row, an id shared by the rows whose {@link Document#embeddingText()} is identical (numbered by first appearance). */
  public static int[] textGroups(List<Document> corpus) {
    Map<String, Integer> first = new HashMap<>();
    int[] g = new int[corpus.size()];
    for (int i = 0; i < g.length; i++) {
      g[i] = first.computeIfAbsent(corpus.get(i).embeddingText(), k -> first.size());
    }
    return g;
  }

  public int size() {
    return ids.size();
  }

  public List<String> ids() {
    return ids;
  }

  public List<String> texts() {
    return texts;
  }

  /** Corpus rows of query {@code i}'s positives. */
  public int[] positives(int i) {
    return positives[i];
  }

  public int[][] positives() {
    return positives;
  }

  /** Explicit negatives of the data for query {@code i} (often none). */
  public int[] explicitNegatives(int i) {
    return explicitNegatives[i];
  }

  /** Whether any query came with explicit negatives. */
  public boolean hasExplicitNegatives() {
    for (int[] n : explicitNegatives) {
      if (n.length > 0) {
        return true;
      }
    }
    return false;
  }

  /** Text group of each corpus row. */
  public int[] textGroup() {
    return textGroup;
  }

  /** Name of the validation split ("dev", or "train (held out)"), or null when there is none. */
  public String devSplit() {
    return devSplit;
  }

  /** Validation judgments (empty when there is none). */
  public Map<String, Map<String, Integer>> devQrels() {
    return devQrels;
  }

  /** Whether corpus row {@code doc} is (or has the text of) a positive of query {@code q}. */
  public boolean isPositive(int q, int doc) {
    for (int p : positives[q]) {
      if (textGroup[p] == textGroup[doc]) {
        return true;
      }
    }
    return false;
  }
}
