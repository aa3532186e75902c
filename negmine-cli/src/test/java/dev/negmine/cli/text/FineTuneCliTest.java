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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code negmine train} on a BEIR directory fine-tunes the transformer by default; the run then
 * serves {@code eval}, {@code embed} and {@code export --model RUN}: eval's figure equals the
 * metrics computed from embed's outputs, and the exported ONNX file run by langchain4j gives
 * embed's vectors.
 */
class FineTuneCliTest {
  private static final String[][] DOCS = {
      {"d0", "Compiler", "A program that translates source code into machine code."},
      {"d1", "", "An interpreter executes a program statement by statement."},
      {"d2", "Router", "A device that forwards packets between networks."},
      {"d3", "", "A cat is a small domesticated feline."},
      {"d4", "Kernel", "The core of an operating system that manages hardware."},
      {"d5", "", "Bread is baked from flour, water and yeast."},
      {"d6", "Cache", "A small fast memory close to the processor."},
      {"d7", "", "A firewall filters network traffic by rules."},
  };
  private static final String[] TRAIN = {"q0 d0 source code translator", "q1 d1 runs code line by line", "q2 d2 packet forwarding",
      "q3 d3 pet animal", "q4 d4 operating system core", "q5 d5 baking", "q6 d6 fast memory", "q7 d7 network security filter"};
  private static final String[] TEST = {"t0 d0 what builds machine code", "t1 d2 network device", "t2 d5 bread recipe",
      "t3 d6 processor memory"};

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
    StringBuilder train = new StringBuilder("query-id\tcorpus-id\tscore\n");
    StringBuilder test = new StringBuilder("query-id\tcorpus-id\tscore\n");
    for (String[] split : new String[][] {TRAIN, TEST}) {
      for (String line : split) {
        String[] p = line.split(" ", 3);
        JsonObject o = new JsonObject();
        o.addProperty("_id", p[0]);
        o.addProperty("text", p[2]);
        q.append(o).append('\n');
        (split == TRAIN ? train : test).append(p[0]).append('\t').append(p[1]).append("\t1\n");
      }
    }
    Files.writeString(dir.resolve("queries.jsonl"), q);
    Files.createDirectories(dir.resolve("qrels"));
    Files.writeString(dir.resolve("qrels/train.tsv"), train);
    Files.writeString(dir.resolve("qrels/test.tsv"), test);
    return dir;
  }

  @Test
  void trainThenEvalEmbedAndExportTheRun(@TempDir Path tmp) throws Exception {
    Path data = beir(Files.createDirectory(tmp.resolve("beir")));
    Path run = tmp.resolve("run");
    CliRun.Outcome t = CliRun.run("train", "--data", data.toString(), "--epochs", "2", "--max-steps", "3", "--batch", "4", "--max-length", "32",
        "--lr", "1e-4", "--out", run.toString(), "--no-progress");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("fine-tuned all-minilm-l6-v2: 3 steps") && t.out().contains("test"), t.out());
    assertTrue(Files.exists(run.resolve("report.html")) && Files.exists(run.resolve("ft-dev.png")), "report with charts");

    CliRun.Outcome e = CliRun.run("eval", "--model", run.toString(), "--json");
    assertEquals(0, e.code(), e.err());
    JsonObject metrics = JsonParser.parseString(e.out().strip()).getAsJsonObject().getAsJsonObject("metrics");

    Path qe = tmp.resolve("q.npy");
    Path de = tmp.resolve("d.npy");
    assertEquals(0, CliRun.run("embed", "--model", run.toString(), "--data", data.resolve("queries.jsonl").toString(),
        "--role", "query", "--out", qe.toString()).code());
    CliRun.Outcome ed = CliRun.run("embed", "--model", run.toString(), "--data", data.resolve("corpus.jsonl").toString(),
        "--role", "document", "--out", de.toString());
    assertEquals(0, ed.code(), ed.err());
    FloatMatrix q = Npy.readFloatMatrix(qe);
    FloatMatrix d = Npy.readFloatMatrix(de);
    assertEquals(TRAIN.length + TEST.length, q.rows());
    // nDCG@10 of the test queries (one relevant document each): 1 / log2(rank + 1)
    double ndcg = 0;
    for (int i = 0; i < TEST.length; i++) {
      int qi = TRAIN.length + i;
      int rel = Integer.parseInt(TEST[i].split(" ")[1].substring(1));
      int rank = 1;
      for (int j = 0; j < DOCS.length; j++) {
        if (j != rel && dot(q.row(qi), d.row(j)) > dot(q.row(qi), d.row(rel))) {
          rank++;
        }
      }
      ndcg += rank <= 10 ? 1 / (Math.log(rank + 1) / Math.log(2)) : 0;
    }
    assertEquals(ndcg / TEST.length, metrics.get("ndcg@10").getAsDouble(), 1e-5, e.out());

    // the run's weights differ from the pretrained model's
    Path pe = tmp.resolve("p.npy");
    assertEquals(0, CliRun.run("embed", "--text-encoder", "all-minilm-l6-v2", "--data", data.resolve("corpus.jsonl").toString(),
        "--role", "document", "--out", pe.toString()).code());
    FloatMatrix p = Npy.readFloatMatrix(pe);
    assertTrue(dot(p.row(0), d.row(0)) < 0.99999, "fine-tuned vectors differ from the frozen model's");

    Path onnx = tmp.resolve("model.onnx");
    CliRun.Outcome x = CliRun.run("export", "--model", run.toString(), "--format", "onnx", "--out", onnx.toString());
    assertEquals(0, x.code(), x.err());
    Path tok = tmp.resolve("tokenizer.json");
    try (var enc = dev.negmine.text.transformer.TransformerEncoder.pretrained("all-minilm-l6-v2")) {
      Files.write(tok, enc.tokenizerJson());
    }
    var lc = new dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel(onnx, tok,
        dev.langchain4j.model.embedding.onnx.PoolingMode.MEAN, Runnable::run);
    for (int j = 0; j < DOCS.length; j++) {
      String text = (DOCS[j][1] + " " + DOCS[j][2]).strip();
      float[] v = lc.embed(dev.langchain4j.data.segment.TextSegment.from(text)).content().vector();
      double cos = dot(v, d.row(j)) / Math.sqrt(dot(v, v));
      assertTrue(cos >= 0.9999, "document " + j + ": langchain4j on the export vs negmine embed, cosine " + cos);
    }
    CliRun.Outcome st = CliRun.run("export", "--model", run.toString(), "--format", "safetensors", "--out", tmp.resolve("st").toString());
    assertEquals(0, st.code(), st.err());
    assertTrue(Files.exists(tmp.resolve("st/model.safetensors")));
  }

  @Test
  void badInputIsOneLineWithExitTwo(@TempDir Path tmp) throws IOException {
    Path data = beir(Files.createDirectory(tmp.resolve("beir")));
    CliRun.Outcome r = CliRun.run("train", "--data", data.toString(), "--text-encoder", "all-minilm-l6-v2-q", "--out",
        tmp.resolve("r").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--text-encoder") && r.err().strip().lines().count() == 1, r.err());
    r = CliRun.run("train", "--data", data.toString(), "--relative-margin", "1.5", "--out", tmp.resolve("r").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--relative-margin must be in [0, 1), got 1.5"), r.err());
    r = CliRun.run("train", "--data", data.toString(), "--cache-batch", "-1", "--out", tmp.resolve("r").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--cache-batch must be >= 0") && r.err().strip().lines().count() == 1, r.err());
    r = CliRun.run("train", "--data", data.toString(), "--recipe", "facenet", "--out", tmp.resolve("r").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--recipe is an option of the image and adapter pipeline"), r.err());
    r = CliRun.run("train", "--data", data.toString(), "--mix", "offline=0.5,queue=0.5", "--out", tmp.resolve("r").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--mix 'offline=0.5,queue=0.5'") && r.err().contains("give --queue N"), r.err());
    r = CliRun.run("train", "--data", data.toString(), "--mix", "offline=1", "--hard-negatives", "0", "--out", tmp.resolve("r").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--mix fills hard-negative slots"), r.err());
    r = CliRun.run("train", "--data", data.toString(), "--unmined", "skip", "--out", tmp.resolve("r").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--unmined must be random or drop, got 'skip'"), r.err());
    r = CliRun.run("train", "--data", data.toString(), "--queue", "-1", "--out", tmp.resolve("r").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--queue must be in 0..65536, got -1"), r.err());
    r = CliRun.run("train", "--data", data.toString(), "--slots", "4", "--out", tmp.resolve("r").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--slots is an option of the image and adapter pipeline"), r.err());
    Files.delete(data.resolve("qrels/train.tsv"));
    r = CliRun.run("train", "--data", data.toString(), "--out", tmp.resolve("r").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("no training judgments (qrels/train.tsv)"), r.err());
    assertTrue(!Files.exists(tmp.resolve("r")), "no stub run directory");
    r = CliRun.run("eval", "--model", tmp.resolve("nope").toString());
    assertEquals(2, r.code(), r.err());
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
