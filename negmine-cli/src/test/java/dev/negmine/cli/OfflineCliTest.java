package dev.negmine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.io.Npy;
import dev.negmine.core.pool.CandidatePool;
import dev.negmine.core.pool.PoolFiles;
import dev.negmine.index.SyntheticCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** negmine mine / pool inspect / pool export / bench queue|offline end to end. */
class OfflineCliTest {
  @TempDir Path dir;

  private Path[] corpus() throws IOException {
    SyntheticCorpus c = SyntheticCorpus.clustered(300, 8, 6, 0.2, 5);
    Path e = dir.resolve("e.npy");
    Path l = dir.resolve("l.npy");
    Npy.write(e, c.vectors());
    Npy.writeLongs(l, c.labels(), c.labels().length);
    return new Path[] {e, l};
  }

  @Test
  void mineInspectExport() throws IOException {
    Path[] in = corpus();
    Path pool = dir.resolve("pool");
    CliRun.Outcome o = CliRun.run("mine", "--embeddings", in[0].toString(), "--labels", in[1].toString(),
        "--top", "10", "--index", "hnsw", "--margin-absolute", "0.02", "--ttl", "2h", "--out", pool.toString(), "--json");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("\"recall\""), o.out());
    CandidatePool p = PoolFiles.read(pool);
    assertEquals(Duration.ofHours(2), Duration.between(p.manifest().createdAt(), p.manifest().expiresAt()));
    for (int a = 0; a < p.anchors(); a++) {
      for (int r = 0; r < p.count(a); r++) {
        assertTrue(p.candidateLabel(a, r) != p.anchorLabel(a));
        assertTrue(p.candidateScore(a, r) < p.positiveScore(a) - 0.02f);
      }
    }
    assertTrue(((String) p.manifest().source().get("embeddings_sha256")).matches("[0-9a-f]{64}"));

    InstantSource old = PoolCommand.clock;
    try {
      PoolCommand.clock = InstantSource.fixed(p.manifest().createdAt().plus(Duration.ofHours(3)));
      CliRun.Outcome inspect = CliRun.run("pool", "inspect", pool.toString(), "--json");
      assertEquals(0, inspect.code(), inspect.err());
      assertTrue(inspect.out().contains("\"expired\": true"), inspect.out());
      assertTrue(inspect.out().contains("\"p50\""), inspect.out());
      assertTrue(inspect.out().contains("\"candidates_per_class\""), inspect.out());
    } finally {
      PoolCommand.clock = old;
    }

    CliRun.Outcome trip = CliRun.run("pool", "export", pool.toString(), "--format", "triplet", "--negatives", "2");
    assertEquals(0, trip.code(), trip.err());
    String first = trip.out().lines().findFirst().orElseThrow();
    assertTrue(first.matches("\\{\"anchor\": \\d+, \"positive\": \\d+, \"negative\": \\d+\\}"), first);

    CliRun.Outcome nt = CliRun.run("pool", "export", pool.toString(), "--format", "n-tuple", "--negatives", "3");
    assertEquals(0, nt.code(), nt.err());
    List<String> lines = nt.out().lines().toList();
    assertTrue(lines.get(0).contains("\"negative_3\"") && !lines.get(0).contains("\"negative_4\""), lines.get(0));

    Path npy = dir.resolve("t.npy");
    assertEquals(0, CliRun.run("pool", "export", pool.toString(), "--format", "npy", "--out", npy.toString()).code());
    assertEquals(3, Npy.readHeader(npy).shape()[1]);
    assertEquals(p.candidates(), Npy.readHeader(npy).shape()[0]);
  }

  @Test
  void recallTargetChoosesAndReportsTheIndex() throws IOException {
    Path[] in = corpus();
    Path auto = dir.resolve("auto");
    Path exact = dir.resolve("exact");
    CliRun.Outcome o = CliRun.run("mine", "--embeddings", in[0].toString(), "--labels", in[1].toString(),
        "--top", "10", "--recall", "0.99", "--out", auto.toString(), "--json");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("\"index_choice\"") && o.out().contains("the exact self-join is cheap"), o.out());
    assertEquals(0, CliRun.run("mine", "--embeddings", in[0].toString(), "--labels", in[1].toString(),
        "--top", "10", "--out", exact.toString()).code());
    // a small corpus gets the exact pool, and the manifest says why
    assertTrue(PoolFiles.read(auto).sameContents(PoolFiles.read(exact)));
    assertTrue(((String) PoolFiles.read(auto).manifest().source().get("index_choice")).contains("exact"));
    CliRun.Outcome both = CliRun.run("mine", "--embeddings", in[0].toString(), "--labels", in[1].toString(),
        "--recall", "0.9", "--index", "hnsw", "--out", dir.resolve("x").toString());
    assertEquals(2, both.code());
    assertTrue(both.err().contains("--recall"), both.err());
    CliRun.Outcome bad = CliRun.run("mine", "--embeddings", in[0].toString(), "--labels", in[1].toString(),
        "--recall", "1.5", "--out", dir.resolve("y").toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("1.5"), bad.err());
  }

  @Test
  void exactAndHnswPoolsAgreeOnAnEasyCorpus() throws IOException {
    Path[] in = corpus();
    assertEquals(0, CliRun.run("mine", "--embeddings", in[0].toString(), "--labels", in[1].toString(), "--top", "5",
        "--index", "exact", "--out", dir.resolve("x").toString()).code());
    CandidatePool x = PoolFiles.read(dir.resolve("x"));
    assertEquals(1.0, x.manifest().recall());
    assertEquals("exact", x.manifest().index().get("kind"));
  }

  @Test
  void badInputIsOneLineExitTwo() throws IOException {
    Path[] in = corpus();
    Path pool = dir.resolve("pool");
    assertEquals(0, CliRun.run("mine", "--embeddings", in[0].toString(), "--labels", in[1].toString(), "--top", "3",
        "--out", pool.toString()).code());
    byte[] bin = Files.readAllBytes(pool.resolve("pool.bin"));
    bin[bin.length - 1] ^= 0x55;
    Files.write(pool.resolve("pool.bin"), bin);
    CliRun.Outcome bad = CliRun.run("pool", "inspect", pool.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("checksum") && bad.err().strip().lines().count() == 1, bad.err());

    CliRun.Outcome model = CliRun.run("mine", "--model", "runs/x", "--out", dir.resolve("p2").toString());
    assertEquals(2, model.code());
    assertTrue(model.err().contains("runs/x") && model.err().contains("--data"), model.err());

    CliRun.Outcome ttl = CliRun.run("mine", "--embeddings", in[0].toString(), "--labels", in[1].toString(),
        "--ttl", "soon", "--out", dir.resolve("p3").toString());
    assertEquals(2, ttl.code());
    assertTrue(ttl.err().contains("--ttl"), ttl.err());

    CliRun.Outcome both = CliRun.run("mine", "--embeddings", in[0].toString(), "--labels", in[1].toString(),
        "--margin-absolute", "0.1", "--margin-relative", "0.1", "--out", dir.resolve("p4").toString());
    assertEquals(2, both.code());
  }

  /** Train a tiny MLP for one epoch, then mine a pool from the corpus encoded by it. */
  @Test
  void mineFromATrainedModel() throws IOException {
    Path[] in = corpus();
    Path run = dir.resolve("run");
    CliRun.Outcome t = CliRun.run("train", "--data", in[0].toString(), "--labels", in[1].toString(), "--encoder", "mlp",
        "--epochs", "1", "--batch", "48", "--m-per-class", "8", "--no-progress", "--out", run.toString());
    assertEquals(0, t.code(), t.err());
    Path pool = dir.resolve("pool");
    CliRun.Outcome o = CliRun.run("mine", "--model", run.toString(), "--data", in[0].toString(), "--labels",
        in[1].toString(), "--top", "5", "--out", pool.toString());
    assertEquals(0, o.code(), o.err());
    CandidatePool p = PoolFiles.read(pool);
    assertEquals(300, p.anchors());
    assertTrue(((String) p.manifest().source().get("checkpoint_sha256")).matches("[0-9a-f]{64}"), p.manifest().source().toString());

    // without --data, mine and embed default to the data the run trained on (its spec records it)
    Path pool2 = dir.resolve("pool-run-data");
    CliRun.Outcome d = CliRun.run("mine", "--model", run.toString(), "--top", "5", "--out", pool2.toString());
    assertEquals(0, d.code(), d.err());
    assertArrayEquals(Files.readAllBytes(pool.resolve("pool.bin")), Files.readAllBytes(pool2.resolve("pool.bin")),
        "the same pool as with --data given");
    Path emb = dir.resolve("run-emb.npy");
    CliRun.Outcome e = CliRun.run("embed", "--model", run.toString(), "--out", emb.toString());
    assertEquals(0, e.code(), e.err());
    assertEquals(300, dev.negmine.core.io.Npy.readFloatMatrix(emb).rows());
  }

  @Test
  void benchQueueAndOfflineJson() {
    CliRun.Outcome q = CliRun.run("bench", "queue", "--queue", "2048", "--batch", "64", "--dim", "16",
        "--min-time", "0.05", "--json");
    assertEquals(0, q.code(), q.err());
    for (String key : List.of("\"kernel_ms\"", "\"mining_ms\"", "\"ratio\"", "\"negatives_per_ms\"",
        "\"vs_pml_xbm\"", "\"load_average\"")) {
      assertTrue(q.out().contains(key), q.out());
    }
    CliRun.Outcome off = CliRun.run("bench", "offline", "--corpus", "2000", "--dim", "16", "--top", "20",
        "--clusters", "20", "--jobs", "exact,ivf,hnsw,planned,torch-fp32,hnswlib,faiss-flat", "--recall-sample", "100", "--json");
    assertEquals(0, off.code(), off.err());
    @SuppressWarnings("unchecked")
    Map<String, Object> jobs = (Map<String, Object>) ((Map<String, Object>) dev.negmine.core.io.Json.parse(off.out())).get("jobs");
    for (String job : List.of("negmine-exact", "negmine-ivf", "negmine-hnsw", "negmine-planned", "torch-fp32", "hnswlib",
        "faiss-flat")) {
      assertTrue(jobs.containsKey(job), off.out());
    }
    // 2,000 rows: mine --recall plans the exact self-join, and says why
    @SuppressWarnings("unchecked")
    Map<String, Object> planned = (Map<String, Object>) jobs.get("negmine-planned");
    assertEquals(1.0, ((Number) planned.get("recall")).doubleValue(), off.out());
    assertEquals("exact", ((Map<?, ?>) planned.get("index_choice")).get("kind"), off.out());
    // libtorch's fp32 product finds the same neighbours (its sums may order near-ties differently)
    @SuppressWarnings("unchecked")
    Map<String, Object> torch = (Map<String, Object>) jobs.get("torch-fp32");
    assertTrue(((Number) torch.get("recall")).doubleValue() > 0.99, off.out());
    @SuppressWarnings("unchecked")
    Map<String, Object> exact = (Map<String, Object>) jobs.get("negmine-exact");
    assertEquals(1.0, ((Number) exact.get("recall")).doubleValue());
    for (String key : List.of("build_s", "query_s", "total_s", "cpu_s", "load_average")) {
      assertTrue(exact.containsKey(key), off.out());
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> hnswlib = (Map<String, Object>) jobs.get("hnswlib");
    if (!hnswlib.containsKey("skipped")) {
      // faiss's exact search must agree with our exact lists on the sample (ties aside)
      @SuppressWarnings("unchecked")
      Map<String, Object> flat = (Map<String, Object>) jobs.get("faiss-flat");
      assertTrue(((Number) flat.get("recall")).doubleValue() > 0.99, off.out());
      assertTrue(exact.containsKey("vs_hnswlib"), off.out());
    }
    CliRun.Outcome bad = CliRun.run("bench", "offline", "--jobs", "exact,annoy");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("annoy"), bad.err());
  }
}
