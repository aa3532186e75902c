package dev.negmine.text.retrieval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
 * Reads the BEIR layout: {@code corpus.jsonl} ({@code _id}, {@code title}, {@code text}),
 * {@code queries.jsonl} ({@code _id}, {@code text}) and {@code qrels/<split>.tsv} (query id,
 * corpus id, score; an optional header line). Every {@code qrels/*.tsv} becomes a split. Bad input
 * fails with an {@link IOException} naming file, line and field. Stateless; thread-safe.
 */
public final class BeirReader {
  private BeirReader() {}

  /** Reads the data set in directory {@code dir}. */
  public static RetrievalData read(Path dir) throws IOException {
    Path corpusFile = dir.resolve("corpus.jsonl");
    Path queriesFile = dir.resolve("queries.jsonl");
    Path qrelsDir = dir.resolve("qrels");
    for (Path p : List.of(corpusFile, queriesFile, qrelsDir)) {
      if (!Files.exists(p)) {
        throw new IOException(p + ": missing (a BEIR directory has corpus.jsonl, queries.jsonl and qrels/)");
      }
    }
    List<Document> corpus = new ArrayList<>();
    Map<String, Integer> seen = new java.util.HashMap<>();
    jsonl(corpusFile, (o, line) -> {
      String id = field(o, "_id", corpusFile, line, true);
      if (seen.put(id, line) != null) {
        throw new IOException(corpusFile + ":" + line + ": _id '" + id + "' already used on line " + seen.get(id));
      }
      String title = field(o, "title", corpusFile, line, false);
      String text = field(o, "text", corpusFile, line, false);
      if (title.isBlank() && text.isBlank()) {
        throw new IOException(corpusFile + ":" + line + ": title and text are both empty");
      }
      corpus.add(new Document(id, title, text));
    });
    Map<String, String> queries = new LinkedHashMap<>();
    jsonl(queriesFile, (o, line) -> {
      String id = field(o, "_id", queriesFile, line, true);
      String text = field(o, "text", queriesFile, line, true);
      if (queries.put(id, text) != null) {
        throw new IOException(queriesFile + ":" + line + ": _id '" + id + "' appears twice");
      }
    });
    Map<String, Map<String, Map<String, Integer>>> qrels = new LinkedHashMap<>();
    List<Path> files;
    try (var s = Files.list(qrelsDir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".tsv")).sorted().toList();
    }
    for (Path f : files) {
      String split = f.getFileName().toString().replaceFirst("\\.tsv$", "");
      qrels.put(split, qrels(f, queries, seen));
    }
    if (qrels.isEmpty()) {
      throw new IOException(qrelsDir + ": no <split>.tsv files");
    }
    return new RetrievalData(corpus, queries, qrels, Map.of(), dir.toString());
  }

  static Map<String, Map<String, Integer>> qrels(Path f, Map<String, String> queries, Map<String, Integer> docs) throws IOException {
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    lines(f, (s, line) -> {
      String[] c = s.split("\t", -1);
      if (c.length < 3) {
        throw new IOException(f + ":" + line + ": expected query-id, corpus-id, score separated by tabs, got " + c.length + " fields");
      }
      int score;
      try {
        score = Integer.parseInt(c[2].trim());
      } catch (NumberFormatException e) {
        if (line == 1) {
          return; // the header line BEIR writes: query-id corpus-id score
        }
        throw new IOException(f + ":" + line + ": score '" + c[2] + "' is not an integer");
      }
      String q = c[0].trim();
      String d = c[1].trim();
      if (!queries.containsKey(q)) {
        throw new IOException(f + ":" + line + ": query-id '" + q + "' is not in queries.jsonl");
      }
      if (!docs.containsKey(d)) {
        throw new IOException(f + ":" + line + ": corpus-id '" + d + "' is not in corpus.jsonl");
      }
      out.computeIfAbsent(q, k -> new LinkedHashMap<>()).put(d, score);
    });
    return out;
  }

  /** Called once per JSON object of a JSONL file, with its 1-based line number. */
  interface LineHandler {
    void accept(JsonObject o, int line) throws IOException;
  }

  static void jsonl(Path f, LineHandler h) throws IOException {
    lines(f, (s, line) -> {
      JsonElement e;
      try {
        e = JsonParser.parseString(s);
      } catch (RuntimeException ex) {
        throw new IOException(f + ":" + line + ": not a JSON object (" + ex.getClass().getSimpleName() + ")");
      }
      if (!e.isJsonObject()) {
        throw new IOException(f + ":" + line + ": not a JSON object");
      }
      h.accept(e.getAsJsonObject(), line);
    });
  }

  /** Called once per non-blank line of a text file, with its 1-based line number. */
  interface TextLineHandler {
    void accept(String text, int line) throws IOException;
  }

  /** Reads {@code f} as UTF-8 and hands every non-blank line, with its number, to {@code h}. */
  static void lines(Path f, TextLineHandler h) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      String s;
      int line = 0;
      while ((s = r.readLine()) != null) {
        line++;
        if (!s.isBlank()) {
          h.accept(s, line);
        }
      }
    }
  }

  /** String field {@code name}; numbers are taken as their text (BEIR ids are often numeric). */
  static String field(JsonObject o, String name, Path f, int line, boolean required) throws IOException {
    JsonElement e = o.get(name);
    if (e == null || e.isJsonNull()) {
      if (required) {
        throw new IOException(f + ":" + line + ": field '" + name + "' is missing");
      }
      return "";
    }
    if (!e.isJsonPrimitive()) {
      throw new IOException(f + ":" + line + ": field '" + name + "' is not a string");
    }
    String v = e.getAsString();
    if (required && v.isBlank()) {
      throw new IOException(f + ":" + line + ": field '" + name + "' is empty");
    }
    return v;
  }
}
