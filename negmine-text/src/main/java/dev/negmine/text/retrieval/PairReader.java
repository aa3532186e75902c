package dev.negmine.text.retrieval;

import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads training pairs without ids into a {@link RetrievalData} whose judgments are all in split
 * {@code train}: sentence-transformers JSONL ({@code anchor}, {@code positive}, and {@code negative}
 * or {@code negative_1..n}) and TSV (query, positive, then negatives). Identical texts share one id
 * ({@code q<n>} for queries, {@code d<n>} for documents, numbered by first appearance); a query
 * seen on several lines gets all its positives. Stateless; thread-safe.
 */
public final class PairReader {
  private PairReader() {}

  /** Reads a {@code .jsonl} or {@code .tsv} file (chosen by its extension). */
  public static RetrievalData read(Path file) throws IOException {
    String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (n.endsWith(".jsonl") || n.endsWith(".json")) {
      return jsonl(file);
    }
    if (n.endsWith(".tsv")) {
      return tsv(file);
    }
    throw new IOException(file + ": expected a .jsonl (sentence-transformers) or .tsv file, or a BEIR directory");
  }

  /** Collects rows and assigns ids. */
  private static final class Builder {
    final Map<String, String> queryIds = new LinkedHashMap<>();
    final Map<String, String> docIds = new LinkedHashMap<>();
    final Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
    final Map<String, List<String>> negatives = new LinkedHashMap<>();

    String doc(String text) {
      return docIds.computeIfAbsent(text, t -> "d" + docIds.size());
    }

    void add(String query, String positive, List<String> negs) {
      String q = queryIds.computeIfAbsent(query, t -> "q" + queryIds.size());
      qrels.computeIfAbsent(q, k -> new LinkedHashMap<>()).put(doc(positive), 1);
      for (String neg : negs) {
        negatives.computeIfAbsent(q, k -> new ArrayList<>()).add(doc(neg));
      }
    }

    RetrievalData build(String source) {
      List<Document> corpus = new ArrayList<>();
      docIds.forEach((text, id) -> corpus.add(new Document(id, "", text)));
      Map<String, String> queries = new LinkedHashMap<>();
      queryIds.forEach((text, id) -> queries.put(id, text));
      return new RetrievalData(corpus, queries, Map.of("train", qrels), negatives, source);
    }
  }

  static RetrievalData jsonl(Path file) throws IOException {
    Builder b = new Builder();
    BeirReader.jsonl(file, (JsonObject o, int line) -> {
      String anchor = BeirReader.field(o, o.has("anchor") ? "anchor" : "query", file, line, true);
      String positive = BeirReader.field(o, "positive", file, line, true);
      List<String> negs = new ArrayList<>();
      if (o.has("negative")) {
        negs.add(BeirReader.field(o, "negative", file, line, true));
      }
      for (int i = 1; o.has("negative_" + i); i++) {
        negs.add(BeirReader.field(o, "negative_" + i, file, line, true));
      }
      b.add(anchor, positive, negs);
    });
    return b.build(file.toString());
  }

  static RetrievalData tsv(Path file) throws IOException {
    Builder b = new Builder();
    BeirReader.lines(file, (s, line) -> {
      String[] c = s.split("\t", -1);
      if (c.length < 2) {
        throw new IOException(file + ":" + line + ": expected query<TAB>positive[<TAB>negative...], got 1 field");
      }
      for (int i = 0; i < c.length; i++) {
        if (c[i].isBlank()) {
          throw new IOException(file + ":" + line + ": field " + (i + 1) + (i == 0 ? " (query)" : i == 1 ? " (positive)" : " (negative)")
              + " is empty");
        }
      }
      b.add(c[0].strip(), c[1].strip(), java.util.Arrays.stream(c, 2, c.length).map(String::strip).toList());
    });
    return b.build(file.toString());
  }
}
