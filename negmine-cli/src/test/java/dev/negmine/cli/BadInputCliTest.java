package dev.negmine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.io.Npy;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.pool.CandidatePool;
import dev.negmine.core.pool.PoolFiles;
import dev.negmine.core.pool.PoolManifest;
import dev.negmine.index.SyntheticCorpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise for bad input, command by command: one line naming the file or option and the value,
 * exit 2, nothing written, an earlier output intact; degenerate data refused rather than answered.
 */
class BadInputCliTest {
  @TempDir Path dir;

  /** Exit 2, one line that starts with "negmine", names {@code fragment}, and no exception class name. */
  static void assertRefused(CliRun.Outcome r, String fragment) {
    assertEquals(2, r.code(), r.err());
    String[] lines = r.err().strip().split("\n");
    assertEquals(1, lines.length, "one error line: " + r.err());
    assertTrue(lines[0].startsWith("negmine "), lines[0]);
    assertTrue(lines[0].contains(fragment), "'" + fragment + "' not in: " + lines[0]);
    assertFalse(lines[0].matches(".*\\b[a-z]+(\\.[a-z]+)+\\.[A-Z]\\w*(Exception|Error).*"), "a class name: " + lines[0]);
  }

  private Path[] corpus(String name, float scale, int classes) throws IOException {
    SyntheticCorpus c = SyntheticCorpus.clustered(200, 8, 5, 0.2, 5);
    float[] v = c.vectors().data().clone();
    for (int i = 0; i < v.length; i++) {
      v[i] *= scale;
    }
    long[] labels = c.labels().clone();
    for (int i = 0; i < labels.length; i++) {
      labels[i] = classes == 0 ? i : labels[i] % classes;
    }
    Path e = dir.resolve(name + ".npy");
    Path l = dir.resolve(name + "-labels.npy");
    Npy.write(e, FloatMatrix.of(200, 8, v));
    Npy.writeLongs(l, labels, labels.length);
    return new Path[] {e, l};
  }

  private CliRun.Outcome mine(Path[] in, Path out, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("mine", "--embeddings", in[0].toString(), "--labels", in[1].toString(),
        "--top", "10", "--out", out.toString()));
    args.addAll(List.of(extra));
    return CliRun.run(args.toArray(String[]::new));
  }

  @Test
  void outputsNeverDestroyInputs() throws IOException {
    Path[] in = corpus("c", 1, 5);
    byte[] before = Files.readAllBytes(in[0]);
    assertRefused(CliRun.run("mine-batch", "--embeddings", in[0].toString(), "--labels", in[1].toString(), "--miner",
        "batch-hard", "--out", in[0].toString()), "is the input");
    assertRefused(CliRun.run("embed", "--model", dir.resolve("run").toString(), "--data", in[0].toString(), "--labels",
        in[1].toString(), "--out", in[0].toString()), "is the input");
    assertArrayEquals(before, Files.readAllBytes(in[0]));

    Path pool = dir.resolve("pool");
    assertEquals(0, mine(in, pool).code());
    byte[] bin = Files.readAllBytes(pool.resolve(PoolFiles.BINARY));
    assertRefused(CliRun.run("pool", "export", pool.toString(), "--format", "npy", "--out", pool.resolve("pool.bin").toString()),
        "inside the input directory");
    assertArrayEquals(bin, Files.readAllBytes(pool.resolve(PoolFiles.BINARY)));
    // a pool directory that holds an input would lose it
    Path holds = Files.createDirectory(dir.resolve("holds"));
    Files.copy(in[0], holds.resolve("e.npy"));
    assertRefused(mine(new Path[] {holds.resolve("e.npy"), in[1]}, holds), "contains the input");

    Path foreign = Files.createDirectory(dir.resolve("foreign"));
    Files.writeString(foreign.resolve("manifest.json"), "{\"format\": \"not-negmine\"}");
    assertRefused(mine(in, foreign), "did not write");
    assertEquals("{\"format\": \"not-negmine\"}", Files.readString(foreign.resolve("manifest.json")));

    if (Files.exists(Path.of("/dev/null"))) {
      assertRefused(CliRun.run("mine-batch", "--embeddings", in[0].toString(), "--labels", in[1].toString(), "--miner",
          "batch-hard", "--out", "/dev/null"), "not a regular file");
    }
    assertRefused(CliRun.run("mine-batch", "--embeddings", in[0].toString(), "--labels", in[1].toString(), "--miner",
        "batch-hard", "--out", dir.resolve("no/such/t.npy").toString()), "does not exist");
    assertRefused(CliRun.run("embed", "--model", dir.resolve("run").toString(), "--data", in[0].toString(), "--labels",
        in[1].toString(), "--out", dir.resolve("x.npy").toString(), "--labels-out", dir.resolve("x.npy").toString()), "--labels-out");
  }

  @Test
  void degenerateDataAndOptionsAreRefusedAndTheOldPoolKept() throws IOException {
    Path[] good = corpus("good", 1, 5);
    Path pool = dir.resolve("pool");
    assertEquals(0, mine(good, pool).code());
    byte[] bin = Files.readAllBytes(pool.resolve(PoolFiles.BINARY));
    assertRefused(mine(corpus("one", 1, 1), pool), "at least two classes");
    assertRefused(mine(corpus("single", 1, 0), pool), "no item has a positive");
    assertRefused(mine(good, pool, "--max-score", "NaN"), "--max-score must be a finite number, got NaN");
    assertRefused(mine(good, pool, "--margin-absolute", "NaN"), "--margin-absolute must be a finite number");
    assertRefused(mine(good, pool, "--ttl", "999999999999d"), "--ttl");
    assertRefused(mine(good, pool, "--recall-sample", "-1"), "--recall-sample must be >= 0, got -1");
    assertRefused(mine(good, pool, "--index", "ivf", "--ivf-probes", "0"), "--ivf-probes must be >= 1, got 0");
    assertArrayEquals(bin, Files.readAllBytes(pool.resolve(PoolFiles.BINARY)), "the earlier pool survives");

    assertRefused(CliRun.run("eval", "--embeddings", good[0].toString(), "--labels", corpus("one", 1, 1)[1].toString()),
        "at least two classes");
    assertRefused(CliRun.run("eval", "--embeddings", good[0].toString(), "--labels", corpus("single", 1, 0)[1].toString()),
        "no item has a positive");
    assertRefused(CliRun.run("spark-mine", "--master", "nonsense://x", "--embeddings", good[0].toString(), "--labels",
        good[1].toString(), "--out", dir.resolve("sp").toString()), "--master");
  }

  @Test
  void cosineDoesNotDependOnScale() throws IOException {
    Path[] unit = corpus("unit", 1, 5);
    Path[] huge = corpus("huge", 1e30f, 5);
    Path[] tiny = corpus("tiny", 1e-30f, 5);
    CliRun.Outcome a = CliRun.run("eval", "--embeddings", unit[0].toString(), "--labels", unit[1].toString(), "--json");
    assertEquals(0, a.code(), a.err());
    for (Path[] scaled : new Path[][] {huge, tiny}) {
      CliRun.Outcome b = CliRun.run("eval", "--embeddings", scaled[0].toString(), "--labels", scaled[1].toString(), "--json");
      assertEquals(0, b.code(), b.err());
      assertEquals(a.out(), b.out(), "metrics of " + scaled[0]);
    }
    Path p1 = dir.resolve("p1");
    Path p2 = dir.resolve("p2");
    assertEquals(0, mine(unit, p1).code());
    assertEquals(0, mine(huge, p2).code());
    CandidatePool x = PoolFiles.read(p1);
    CandidatePool y = PoolFiles.read(p2);
    assertTrue(x.anchors() > 0);
    assertEquals(x.anchors(), y.anchors());
    for (int i = 0; i < x.anchors(); i++) {
      for (int r = 0; r < x.count(i); r++) {
        assertEquals(x.candidateId(i, r), y.candidateId(i, r), "anchor " + i + " rank " + r);
      }
    }
  }

  @Test
  void textPoolsMustStillHoldTheirTexts() throws IOException {
    Path[] in = corpus("c", 1, 5);
    Path pool = dir.resolve("tp");
    assertEquals(0, mine(in, pool).code());
    // make it a text pool as mine writes one for a text corpus: texts plus their checksum in the manifest
    CandidatePool p = PoolFiles.read(pool);
    List<String> texts = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      texts.add("item " + i);
    }
    Map<String, Object> source = new LinkedHashMap<>(p.manifest().source());
    source.put(dev.negmine.cli.train.TextJobs.TEXTS_SHA256, dev.negmine.cli.train.TextJobs.textsSha256(texts));
    PoolManifest m = p.manifest();
    PoolFiles.write(pool, p.withManifest(new PoolManifest(m.formatVersion(), m.lifetime(), source, m.index(),
        m.filters(), m.counts(), m.recall(), null)), tmp -> {
          dev.negmine.cli.train.TextJobs.writePoolTexts(tmp, texts);
          return null;
        });
    CliRun.Outcome ok = CliRun.run("pool", "export", pool.toString(), "--format", "triplet", "--negatives", "1");
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().contains("\"item "), ok.out());
    Path t = pool.resolve(dev.negmine.cli.train.TextJobs.POOL_TEXTS);
    Files.writeString(t, Files.readString(t).replace("item 7\"", "edited\""));
    assertRefused(CliRun.run("pool", "export", pool.toString(), "--format", "triplet"), "checksum does not match");
    Files.delete(t);
    assertRefused(CliRun.run("pool", "export", pool.toString(), "--format", "triplet"), "missing, but the pool was mined from texts");
  }

  @Test
  void partsManifestsCannotNameFilesOutsideTheirDirectory() throws IOException {
    Path parts = Files.createDirectory(dir.resolve("parts"));
    Files.writeString(parts.resolve("manifest.json"), "{\"format\": \"negmine-pool-parts\", \"format_version\": 1, "
        + "\"created_at\": \"2026-01-01T00:00:00Z\", \"expires_at\": \"2026-01-02T00:00:00Z\", \"recall\": 1.0, "
        + "\"counts\": {}, \"filters\": {}, \"index\": {}, \"source\": {}, "
        + "\"parts\": {\"anchors\": 0, \"candidates\": 0, \"files\": [{\"name\": \"../secret.parquet\", \"bytes\": 4}]}}",
        StandardCharsets.UTF_8);
    assertRefused(CliRun.run("pool", "import", parts.toString(), "--out", dir.resolve("imported").toString()),
        "parts.files[0].name");
    assertFalse(Files.exists(dir.resolve("imported")));
  }
}
