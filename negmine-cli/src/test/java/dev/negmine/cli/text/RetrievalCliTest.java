package dev.negmine.cli.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.negmine.cli.CliRun;
import dev.negmine.core.io.Npy;
import dev.negmine.core.linalg.FloatMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code negmine eval} on a BEIR directory against nDCG@10 computed here from {@code negmine embed}
 * outputs (brute-force ranking, the metric written out again), and the one-line errors.
 */
class RetrievalCliTest {
  private static final String[][] DOCS = {
      {"d1", "Compiler", "A program that translates source code into machine code."},
      {"d2", "", "An interpreter executes a program line by line."},
      {"d3", "Router", "A device that forwards packets between networks."},
      {"d4", "", "A cat is a small domesticated feline."},
      {"d5", "Kernel", "The core of an operating system that manages hardware."},
      {"d6", "", "Bread is baked from flour, water and yeast."},
  };
  private static final String[][] QUERIES = {
      {"q1", "what translates code to machine code"}, {"q2", "network packet forwarding"},
      {"q3", "pet animal"}, {"q4", "operating system core"}, {"q5", "baking bread"},
  };
  private static final String[][] QRELS = {{"q1", "d1", "1"}, {"q1", "d2", "1"}, {"q2", "d3", "2"}, {"q3", "d4", "1"},
      {"q4", "d5", "1"}, {"q5", "d6", "1"}, {"q5", "d2", "0"}};

  private static Path beir(Path dir) throws IOException {
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
    Files.writeString(dir.resolve("qrels/test.tsv"), t);
    return dir;
  }

  @Test
  void evalAgreesWithNdcgFromEmbedOutputs(@TempDir Path tmp) throws IOException {
    Path dir = beir(Files.createDirectory(tmp.resolve("beir")));
    for (String model : List.of("bge-small-en-v1.5")) {
      CliRun.Outcome e = CliRun.run("eval", "--data", dir.toString(), "--split", "test", "--text-encoder", model, "--json");
      assertEquals(0, e.code(), e.err());
      JsonObject metrics = JsonParser.parseString(e.out().strip()).getAsJsonObject().getAsJsonObject("metrics");
      Path qe = tmp.resolve("q.npy");
      Path de = tmp.resolve("d.npy");
      assertEquals(0, CliRun.run("embed", "--text-encoder", model, "--data", dir.resolve("queries.jsonl").toString(),
          "--role", "query", "--out", qe.toString()).code());
      assertEquals(0, CliRun.run("embed", "--text-encoder", model, "--data", dir.resolve("corpus.jsonl").toString(),
          "--role", "document", "--out", de.toString()).code());
      FloatMatrix q = Npy.readFloatMatrix(qe);
      FloatMatrix d = Npy.readFloatMatrix(de);
      assertEquals(QUERIES.length, q.rows());
      assertEquals(DOCS.length, d.rows());
      double ndcg = 0;
      for (int i = 0; i < QUERIES.length; i++) {
        Map<String, Integer> rel = new HashMap<>();
        for (String[] r : QRELS) {
          if (r[0].equals(QUERIES[i][0])) {
            rel.put(r[1], Integer.parseInt(r[2]));
          }
        }
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < DOCS.length; j++) {
          order.add(j);
        }
        final int qi = i;
        order.sort((a, b) -> Double.compare(dot(q.row(qi), d.row(b)), dot(q.row(qi), d.row(a))));
        double dcg = 0;
        for (int r = 0; r < order.size(); r++) {
          dcg += rel.getOrDefault(DOCS[order.get(r)][0], 0) / (Math.log(r + 2) / Math.log(2));
        }
        List<Integer> ideal = new ArrayList<>(rel.values());
        ideal.sort((a, b) -> b - a);
        double idcg = 0;
        for (int r = 0; r < ideal.size(); r++) {
          idcg += ideal.get(r) / (Math.log(r + 2) / Math.log(2));
        }
        ndcg += dcg / idcg;
      }
      ndcg /= QUERIES.length;
      assertEquals(ndcg, metrics.get("ndcg@10").getAsDouble(), 1e-5, model + ": " + e.out());
      assertEquals(5, metrics.get("queries").getAsInt());
      assertTrue(ndcg > 0.8, model + " finds these easy documents: nDCG@10 " + ndcg);
    }
  }

  @Test
  void badInputIsOneLineWithExitTwo(@TempDir Path tmp) throws IOException {
    Path dir = beir(tmp);
    CliRun.Outcome r = CliRun.run("eval", "--data", dir.toString(), "--split", "dev", "--text-encoder", "all-minilm-l6-v2");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--split") && r.err().contains("dev") && r.err().strip().lines().count() == 1, r.err());
    Path bad = tmp.resolve("bad.jsonl");
    Files.writeString(bad, "{\"text\": \"ok\"}\n{\"title\": \"\"}\n");
    r = CliRun.run("embed", "--text-encoder", "all-minilm-l6-v2", "--data", bad.toString(), "--role", "query", "--out",
        tmp.resolve("e.npy").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("bad.jsonl:2: field 'text'"), r.err());
    r = CliRun.run("export", "--format", "tflite", "--out", tmp.resolve("x").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--format"), r.err());
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
