package dev.negmine.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.cli.Main;
import dev.negmine.core.io.Json;
import dev.negmine.text.data.TextCorpus;
import dev.negmine.text.data.TextReaders;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text end to end: a sentence-transformers-style (anchor, positive) JSONL trains a head on the
 * frozen quantised MiniLM, `mine` over the corpus and `pool export --format triplet` write
 * anchor/positive/negative text rows; malformed input fails with line numbers.
 */
class TextCliTest {
  private static final String[][] PAIRS = {
      {"car", "automobile"}, {"dog", "puppy"}, {"ocean", "sea"}, {"happy", "glad"}, {"big", "large"},
      {"fast", "quick"}, {"house", "home"}, {"shop", "store"}, {"child", "kid"}, {"begin", "start"},
      {"rock", "stone"}, {"road", "street"}, {"smart", "clever"}, {"angry", "mad"}, {"end", "finish"},
      {"gift", "present"}, {"small", "tiny"}, {"sick", "ill"}, {"rich", "wealthy"}, {"buy", "purchase"}};

  private static Path pairs(Path dir) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (String[] p : PAIRS) {
      sb.append(Json.write(Map.of("anchor", p[0], "positive", p[1])).replace("\n", "")).append('\n');
    }
    // a duplicate row: the same texts must stay one item each
    sb.append("{\"anchor\": \"car\", \"positive\": \"automobile\"}\n");
    Path f = dir.resolve("pairs.jsonl");
    Files.writeString(f, sb);
    return f;
  }

  @Test
  void readerMergesDuplicatesAndCountsBadLines(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("mixed.jsonl");
    Files.writeString(f, String.join("\n",
        "{\"anchor\": \"a\", \"positive\": \"b\"}",
        "{\"anchor\": \"b\", \"positive\": \"c\", \"negative\": \"d\"}",
        "not json",
        "{\"text\": \"e\", \"label\": 7}",
        "{\"text\": \"f\", \"label\": 7}",
        "{\"anchor\": \"\", \"positive\": \"x\"}",
        "{\"anchor\": \"g\", \"positive\": \"h\", \"negative\": \"a\"}"));
    List<String> warnings = new ArrayList<>();
    TextCorpus c = TextReaders.read(f, 2, warnings::add);
    assertEquals(List.of("a", "b", "c", "d", "e", "f", "g", "h"), c.texts());
    long[] l = c.labels();
    assertEquals(l[0], l[1]);
    assertEquals(l[1], l[2]);
    assertEquals(l[4], l[5]);
    assertEquals(l[6], l[7]);
    assertEquals(4, Set.of(l[0], l[3], l[4], l[6]).size());
    assertEquals(2, c.triplets().size());
    assertTrue(warnings.get(0).contains("line 3: not JSON") && warnings.get(0).contains("line 6: empty text in field 'anchor'"),
        warnings.get(0));
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TextReaders.read(f, 1, w -> { }));
    assertTrue(e.getMessage().contains("2 malformed line(s), more than --max-bad-lines 1") && e.getMessage().contains("line 3"),
        e.getMessage());
  }

  @Test
  void pairsTrainMineAndExportTextTriplets(@TempDir Path dir) throws Exception {
    Path data = pairs(dir);
    Path run = dir.resolve("run");
    Result t = run("train", "--data", data.toString(), "--val-fraction", "0.2", "--epochs", "2", "--batch", "16",
        "--recipe", "batch-hard", "--out", run.toString(), "--no-progress");
    assertEquals(0, t.code, t.err);
    assertTrue(t.out.contains("trained batch-hard/adapter"), t.out);
    Result e = run("eval", "--model", run.toString());
    assertEquals(2, e.code, e.err);
    assertTrue(e.err.contains("was not trained on a built-in task"), e.err);
    Path pool = dir.resolve("pool");
    Result m = run("mine", "--data", data.toString(), "--model", run.toString(), "--top", "3", "--out", pool.toString());
    assertEquals(0, m.code, m.err);
    Path out = dir.resolve("triplets.jsonl");
    Result x = run("pool", "export", pool.toString(), "--format", "triplet", "--out", out.toString());
    assertEquals(0, x.code, x.err);
    List<String> lines = Files.readAllLines(out);
    assertEquals(20 * 2 * 3, lines.size());
    Map<String, String> partner = new java.util.HashMap<>();
    for (String[] p : PAIRS) {
      partner.put(p[0], p[1]);
      partner.put(p[1], p[0]);
    }
    for (String line : lines) {
      @SuppressWarnings("unchecked")
      Map<String, Object> row = (Map<String, Object>) Json.parse(line);
      assertEquals(List.of("anchor", "positive", "negative"), new ArrayList<>(row.keySet()));
      String a = (String) row.get("anchor");
      assertEquals(partner.get(a), row.get("positive"));
      assertNotEquals(partner.get(a), row.get("negative"));
      assertNotEquals(a, row.get("negative"));
    }
  }

  /**
   * {@code eval --task wordnet} embeds the unseen test synsets with the frozen encoder; the
   * reference is the untrained baseline every {@code train --task wordnet} run logs (its "raw"
   * line: MAP@R 0.4250, P@1 0.5199 with the quantised MiniLM).
   */
  @Test
  void evalTaskReportsTheFrozenEncoderOnTheUnseenSynsets() throws Exception {
    Result r = run("eval", "--task", "wordnet", "--json");
    assertEquals(0, r.code, r.err);
    @SuppressWarnings("unchecked")
    Map<String, Object> j = (Map<String, Object>) Json.parse(r.out.trim());
    assertTrue(((String) j.get("task")).contains("2643 texts in 1034 unseen classes"), r.out);
    @SuppressWarnings("unchecked")
    Map<String, Object> frozen = (Map<String, Object>) j.get("frozen");
    assertEquals(0.4250, ((Number) frozen.get("mean_average_precision_at_r")).doubleValue(), 5e-5);
    assertEquals(0.5199, ((Number) frozen.get("precision_at_1")).doubleValue(), 5e-5);
    assertEquals(null, j.get("head"));
    Result d = run("eval", "--task", "wordnet", "--data", "x.jsonl");
    assertEquals(2, d.code);
    assertTrue(d.err.contains("--task brings its own data"), d.err);
    Result k = run("eval", "--task", "wordnet:x");
    assertEquals(2, k.code);
    assertTrue(k.err.contains("expected wordnet[:EXTRA_SYNSETS]"), k.err);
  }

  @Test
  void badTextInputIsOneLineErrors(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "{\"anchor\": \"a\", \"positive\": \"b\"}\n{\"anchor\": \"a\"}\n");
    Result r = run("train", "--data", bad.toString(), "--out", dir.resolve("r").toString(), "--no-progress");
    assertEquals(2, r.code);
    // anchor/positive JSONL fine-tunes the transformer by default: the retrieval reader's message
    assertTrue(r.err.contains("bad.jsonl:2: field 'positive' is missing"), r.err);
    r = run("train", "--data", bad.toString(), "--encoder", "adapter", "--out", dir.resolve("r").toString(), "--no-progress");
    assertEquals(2, r.code);
    assertTrue(r.err.contains("line 2: missing field 'positive'"), r.err);
    Result u = run("train", "--task", "wordnet", "--text-encoder", "minilm", "--out", dir.resolve("u").toString());
    assertEquals(2, u.code);
    assertTrue(u.err.contains("unknown text encoder 'minilm'"), u.err);
    Result sib = run("train", "--data", pairs(dir).toString(), "--recipe", "sibling-hard", "--out", dir.resolve("s").toString());
    assertEquals(2, sib.code);
    assertTrue(sib.err.contains("sibling batches need class groups"), sib.err);
    Result n = run("train", "--task", "wordnet:30000", "--out", dir.resolve("n").toString());
    assertEquals(2, n.code);
    assertTrue(n.err.contains("must be in [0, 25783], got 30000"), n.err);
    Result k = run("train", "--task", "imagenet", "--out", dir.resolve("k").toString());
    assertEquals(2, k.code);
    assertTrue(k.err.contains("unknown task 'imagenet'"), k.err);
  }

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    PrintStream o = System.out;
    PrintStream e = System.err;
    ByteArrayOutputStream ob = new ByteArrayOutputStream();
    ByteArrayOutputStream eb = new ByteArrayOutputStream();
    System.setOut(new PrintStream(ob, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(eb, true, StandardCharsets.UTF_8));
    try {
      int code = Main.run(args);
      return new Result(code, ob.toString(StandardCharsets.UTF_8), eb.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(o);
      System.setErr(e);
    }
  }
}
