package dev.negmine.text.retrieval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A retrieval data set: a corpus, queries, relevance judgments per split and optional explicit
 * hard negatives per query, all by id. Judgments are graded: relevance {@code > 0} is relevant,
 * 0 is judged not relevant. Immutable; thread-safe.
 *
 * <p>Contracts the readers guarantee: every judged or negative id is a corpus document, every
 * judged query is a query; identical document texts share one id in formats without ids; a judged
 * positive is never listed as a negative of its own query.
 */
public final class RetrievalData {
  private final List<Document> corpus;
  private final Map<String, Integer> docIndex;
  private final Map<String, String> queries;
  private final Map<String, Map<String, Map<String, Integer>>> qrels;
  private final Map<String, List<String>> negatives;
  private final String source;

  /**
   * @param corpus documents, unique ids
   * @param queries query id -> text, in file order
   * @param qrels split name -> query id -> document id -> relevance
   * @param negatives query id -> explicit hard negative document ids (may be empty)
   * @param source where it came from, for messages
   */
  public RetrievalData(List<Document> corpus, Map<String, String> queries, Map<String, Map<String, Map<String, Integer>>> qrels,
      Map<String, List<String>> negatives, String source) {
    this.corpus = List.copyOf(corpus);
    this.source = source;
    Map<String, Integer> idx = new LinkedHashMap<>();
    for (int i = 0; i < this.corpus.size(); i++) {
      if (idx.put(this.corpus.get(i).id(), i) != null) {
        throw new IllegalArgumentException(source + ": document id '" + this.corpus.get(i).id() + "' appears twice");
      }
    }
    this.docIndex = Collections.unmodifiableMap(idx);
    this.queries = Collections.unmodifiableMap(new LinkedHashMap<>(queries));
    Map<String, Map<String, Map<String, Integer>>> q = new LinkedHashMap<>();
    qrels.forEach((split, m) -> {
      Map<String, Map<String, Integer>> copy = new LinkedHashMap<>();
      m.forEach((qid, docs) -> {
        if (!this.queries.containsKey(qid)) {
          throw new IllegalArgumentException(source + ": qrels " + split + ": query '" + qid + "' is not among the queries");
        }
        for (String d : docs.keySet()) {
          if (!docIndex.containsKey(d)) {
            throw new IllegalArgumentException(source + ": qrels " + split + ": document '" + d + "' is not in the corpus");
          }
        }
        copy.put(qid, Collections.unmodifiableMap(new LinkedHashMap<>(docs)));
      });
      q.put(split, Collections.unmodifiableMap(copy));
    });
    this.qrels = Collections.unmodifiableMap(q);
    Map<String, List<String>> n = new LinkedHashMap<>();
    negatives.forEach((qid, docs) -> {
      Set<String> positives = positivesAnySplit(qid);
      List<String> kept = docs.stream().filter(d -> !positives.contains(d)).distinct().toList();
      for (String d : kept) {
        if (!docIndex.containsKey(d)) {
          throw new IllegalArgumentException(source + ": negative '" + d + "' of query '" + qid + "' is not in the corpus");
        }
      }
      if (!kept.isEmpty()) {
        n.put(qid, kept);
      }
    });
    this.negatives = Collections.unmodifiableMap(n);
  }

  private Set<String> positivesAnySplit(String qid) {
    Set<String> out = new java.util.HashSet<>();
    for (Map<String, Map<String, Integer>> m : qrels.values()) {
      Map<String, Integer> j = m.get(qid);
      if (j != null) {
        j.forEach((d, r) -> {
          if (r > 0) {
            out.add(d);
          }
        });
      }
    }
    return out;
  }

  /**
   * Reads a BEIR directory, a sentence-transformers {@code .jsonl} or a {@code .tsv} of pairs.
   *
   * @throws java.io.IOException naming file, line and field on bad input
   */
  public static RetrievalData read(java.nio.file.Path path) throws java.io.IOException {
    return java.nio.file.Files.isDirectory(path) ? BeirReader.read(path) : PairReader.read(path);
  }

  public List<Document> corpus() {
    return corpus;
  }

  /** Index of document {@code id} in {@link #corpus}, or -1. */
  public int documentIndex(String id) {
    return docIndex.getOrDefault(id, -1);
  }

  /** Query id -> text. */
  public Map<String, String> queries() {
    return queries;
  }

  /** Split names that have judgments (e.g. train, dev, test). */
  public Set<String> splits() {
    return qrels.keySet();
  }

  /**
   * Judgments of {@code split}: query id -> document id -> relevance.
   *
   * @throws IllegalArgumentException naming the available splits if there is none such
   */
  public Map<String, Map<String, Integer>> qrels(String split) {
    Map<String, Map<String, Integer>> m = qrels.get(split);
    if (m == null) {
      throw new IllegalArgumentException(source + ": no qrels for split '" + split + "' (have " + String.join(", ", qrels.keySet()) + ")");
    }
    return m;
  }

  /** Documents relevant (relevance > 0) to {@code queryId} in any split: never to be used as its negatives. */
  public Set<String> positives(String queryId) {
    return positivesAnySplit(queryId);
  }

  /** Explicit hard negatives from the data (query id -> document ids), judged positives removed. */
  public Map<String, List<String>> negatives() {
    return negatives;
  }

  public String source() {
    return source;
  }
}
