package dev.negmine.cli.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.negmine.cli.CliRun;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.text.transformer.Role;
import dev.negmine.text.transformer.TransformerEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code negmine mine} end to end on a tiny BEIR directory: the negatives it writes are those a
 * brute-force oracle written here picks from the same encoder's cosine scores (positives and their
 * texts excluded, relative margin from the least similar positive, the most similar kept), and bad
 * options fail with one line and exit code 2.
 */
class QueryMineCliTest {
  private static final String[][] DOCS = {
      {"d1", "Compiler", "A program that translates source code into machine code."},
      {"d2", "", "An interpreter executes a program line by line."},
      {"d3", "Router", "A device that forwards packets between networks."},
      {"d4", "", "A switch connects devices on a local network."},
      {"d5", "Kernel", "The core of an operating system that manages hardware."},
      {"d6", "", "A scheduler decides which process runs next on the processor."},
      {"d7", "", "Bread is baked from flour, water and yeast."},
      {"d8", "Router", "A device that forwards packets between networks."},
  };
  private static final String[][] QUERIES = {
      {"q1", "what translates code to machine code"}, {"q2", "network packet forwarding"},
      {"q3", "operating system core"}, {"q4", "baking bread"},
  };
  // q2's positive d3 has a twin (d8, same title and text): never its negative
  private static final String[][] QRELS = {{"q1", "d1", "1"}, {"q1", "d2", "1"}, {"q2", "d3", "1"}, {"q3", "d5", "1"},
      {"q4", "d7", "1"}, {"q4", "d1", "0"}};

  static Path beir(Path dir) throws IOException {
    StringBuilder c = new StringBuilder();
    for (String[] d : DOCS) {
      JsonObject o = new JsonObject();
      o.addProperty("_id", d[0]);
      o.addProperty("title", d[1]);
      o.addProperty("text", d[2]);
      c.append(o).append('\n');
    }
    Files.writeString(dir.resolve("corpus.jsonl"), c);
    StringBuilder q = new StringBuilder();
    for (String[] x : QUERIES) {
      JsonObject o = new JsonObject();
      o.addProperty("_id", x[0]);
      o.addProperty("text", x[1]);
      q.append(o).append('\n');
    }
    Files.writeString(dir.resolve("queries.jsonl"), q);
    Files.createDirectories(dir.resolve("qrels"));
    StringBuilder t = new StringBuilder("query-id\tcorpus-id\tscore\n");
    for (String[] r : QRELS) {
      t.append(String.join("\t", r)).append('\n');
    }
    Files.writeString(dir.resolve("qrels/train.tsv"), t);
    return dir;
  }

  private static String docText(String[] d) {
    return (d[1] + " " + d[2]).strip();
  }

  /** Per query text, the negatives the oracle picks: top 2 distinct texts that are no positive, s <= p - |p| * 0.05. */
  private static Map<String, List<String>> oracle() {
    List<String> texts = new ArrayList<>(new LinkedHashSet<>(java.util.Arrays.stream(DOCS).map(QueryMineCliTest::docText).toList()));
    List<String> queries = java.util.Arrays.stream(QUERIES).map(q -> q[1]).toList();
    Map<String, List<String>> out = new LinkedHashMap<>();
    try (TransformerEncoder enc = TransformerEncoder.pretrained("all-minilm-l6-v2")) {
      FloatMatrix d = Similarities.normalizeRows(enc.encode(texts, Role.DOCUMENT));
      FloatMatrix q = Similarities.normalizeRows(enc.encode(queries, Role.QUERY));
      for (int i = 0; i < QUERIES.length; i++) {
        Set<String> pos = new LinkedHashSet<>();
        for (String[] r : QRELS) {
          if (r[0].equals(QUERIES[i][0]) && Integer.parseInt(r[2]) > 0) {
            pos.add(docText(java.util.Arrays.stream(DOCS).filter(x -> x[0].equals(r[1])).findFirst().orElseThrow()));
          }
        }
        if (pos.isEmpty()) {
          continue;
        }
        double minPos = Double.POSITIVE_INFINITY;
        List<Integer> cands = new ArrayList<>();
        for (int j = 0; j < texts.size(); j++) {
          if (pos.contains(texts.get(j))) {
            minPos = Math.min(minPos, Similarities.score(q, i, d, j, dev.negmine.core.linalg.Distance.DOT));
          } else {
            cands.add(j);
          }
        }
        int qi = i;
        double threshold = minPos - Math.abs(minPos) * 0.05;
        out.put(QUERIES[i][1], cands.stream()
            .sorted(Comparator.comparingDouble(j -> -Similarities.score(q, qi, d, j, dev.negmine.core.linalg.Distance.DOT)))
            .filter(j -> Similarities.score(q, qi, d, j, dev.negmine.core.linalg.Distance.DOT) <= threshold)
            .limit(2).map(texts::get).toList());
      }
    }
    return out;
  }

  @Test
  void minesTheOraclesNegativesAndWritesStatistics(@TempDir Path tmp) throws IOException {
    Path dir = beir(Files.createDirectory(tmp.resolve("beir")));
    Path out = tmp.resolve("out/mined.jsonl");
    CliRun.Outcome r = CliRun.run("mine", "--data", dir.toString(), "--out", out.toString(), "--relative-margin", "0.05",
        "--num-negatives", "2", "--output-format", "triplet", "--output-scores");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Metric       Positive       Negative     Difference"), r.out());
    Map<String, List<String>> expected = oracle();
    Map<String, Set<String>> got = new LinkedHashMap<>();
    int rows = 0;
    for (String line : Files.readAllLines(out)) {
      JsonObject o = JsonParser.parseString(line).getAsJsonObject();
      assertEquals(Set.of("anchor", "positive", "negative", "scores"), o.keySet());
      JsonArray s = o.getAsJsonArray("scores");
      double p = s.get(0).getAsDouble();
      assertTrue(s.get(1).getAsDouble() <= p - Math.abs(p) * 0.05 + 1e-6, line);
      got.computeIfAbsent(o.get("anchor").getAsString(), k -> new LinkedHashSet<>()).add(o.get("negative").getAsString());
      rows++;
    }
    assertTrue(rows >= 4 && expected.values().stream().mapToInt(List::size).sum() >= 4, "the fixture yields negatives: " + expected);
    for (Map.Entry<String, List<String>> e : expected.entrySet()) {
      assertEquals(new LinkedHashSet<>(e.getValue()), got.getOrDefault(e.getKey(), Set.of()), e.getKey());
    }
    assertFalse(got.get("network packet forwarding").contains("Router A device that forwards packets between networks."));
    JsonObject stats = JsonParser.parseString(Files.readString(tmp.resolve("out/mined.stats.json"))).getAsJsonObject();
    assertEquals(rows, stats.get("rows").getAsInt());
    assertEquals(5, stats.getAsJsonObject("positive").get("count").getAsInt(), "five (query, positive) pairs");
    assertEquals("triplet", stats.getAsJsonObject("options").get("output_format").getAsString());
  }

  @Test
  void badOptionsFailWithOneLineAndCode2(@TempDir Path tmp) throws IOException {
    Path dir = beir(Files.createDirectory(tmp.resolve("beir")));
    String o = tmp.resolve("m.jsonl").toString();
    String[][] bad = {
        {"--output-format", "pairs"}, {"--range-min", "5", "--range-max", "3"}, {"--relative-margin", "-0.1"},
        {"--absolute-margin", "-1"}, {"--sampling-strategy", "best"}, {"--num-negatives", "0"},
        {"--range-min", "2", "--range-max", "3", "--num-negatives", "2"}, {"--index", "ivf"},
    };
    for (String[] b : bad) {
      List<String> args = new ArrayList<>(List.of("mine", "--data", dir.toString(), "--out", o));
      args.addAll(List.of(b));
      CliRun.Outcome r = CliRun.run(args.toArray(String[]::new));
      assertEquals(2, r.code(), String.join(" ", b) + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().contains(b[0]) && r.err().contains(b[b.length - 1]), r.err());
    }
    assertFalse(Files.exists(tmp.resolve("m.jsonl")));
    // a query -> corpus option with pool mining is refused, not ignored
    CliRun.Outcome r = CliRun.run("mine", "--embeddings", "e.npy", "--labels", "l.npy", "--out", tmp.resolve("pool").toString(),
        "--num-negatives", "2");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--num-negatives"), r.err());
  }
}
