package dev.negmine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.io.Npy;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.pool.CandidatePool;
import dev.negmine.core.pool.PoolFiles;
import dev.negmine.core.pool.PoolSampler;
import dev.negmine.index.SyntheticCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** negmine spark-mine (embedded, local[2]) against negmine mine, end to end through the CLI. */
class SparkMineCliTest {
  @TempDir Path dir;

  private Path[] corpus(int n, boolean nan) throws IOException {
    SyntheticCorpus c = SyntheticCorpus.clustered(n, 8, 6, 0.2, 11);
    FloatMatrix v = c.vectors().copy();
    if (nan) {
      v.set(7, 3, Float.NaN);
    }
    Path e = dir.resolve(nan ? "bad.npy" : "e.npy");
    Path l = dir.resolve("l.npy");
    Npy.write(e, v);
    Npy.writeLongs(l, c.labels(), c.labels().length);
    return new Path[] {e, l};
  }

  @Test
  void sparkPoolIsByteIdenticalToMineAndReadableDownstream() throws IOException {
    Path[] in = corpus(700, false);
    Path mined = dir.resolve("mine");
    Path sparked = dir.resolve("spark");
    CliRun.Outcome m = CliRun.run("mine", "--embeddings", in[0].toString(), "--labels", in[1].toString(), "--top", "20",
        "--margin-relative", "0.05", "--out", mined.toString());
    assertEquals(0, m.code(), m.err());
    CliRun.Outcome s = CliRun.run("spark-mine", "--master", "local[2]", "--embeddings", in[0].toString(), "--labels",
        in[1].toString(), "--top", "20", "--margin-relative", "0.05", "--shards", "3", "--block-rows", "100",
        "--out", sparked.toString(), "--json");
    assertEquals(0, s.code(), s.err());
    for (String key : new String[] {"\"stage_seconds\"", "\"query\"", "\"rows_per_second\"", "\"bad_rows\""}) {
      assertTrue(s.out().contains(key), s.out());
    }
    assertArrayEquals(Files.readAllBytes(mined.resolve(PoolFiles.BINARY)), Files.readAllBytes(sparked.resolve(PoolFiles.BINARY)));
    CandidatePool p = PoolFiles.read(sparked);
    assertEquals(PoolFiles.read(mined).manifest().source().get("embeddings_sha256"), p.manifest().source().get("embeddings_sha256"));
    long[][] drawn = new PoolSampler(p, 3, 1).sample(new long[] {p.anchorId(0), p.anchorId(5)}, 0);
    assertEquals(3, drawn[0].length);
    assertEquals(3, drawn[1].length);
    assertEquals(0, CliRun.run("pool", "inspect", sparked.toString()).code());
    CliRun.Outcome trip = CliRun.run("pool", "export", sparked.toString(), "--format", "triplet", "--negatives", "2");
    assertEquals(0, trip.code(), trip.err());
    assertTrue(trip.out().contains("\"negative\""), trip.out());

    // the same job writing Parquet parts, then pool import: the same pool.bin
    Path parts = dir.resolve("parts");
    Path imported = dir.resolve("imported");
    CliRun.Outcome sp = CliRun.run("spark-mine", "--master", "local[2]", "--embeddings", in[0].toString(), "--labels",
        in[1].toString(), "--top", "20", "--margin-relative", "0.05", "--shards", "3", "--block-rows", "100",
        "--output", "parts", "--out", parts.toString(), "--json");
    assertEquals(0, sp.code(), sp.err());
    assertTrue(sp.out().contains("\"output\": \"parts\""), sp.out());
    CliRun.Outcome notPool = CliRun.run("pool", "inspect", parts.toString());
    assertEquals(2, notPool.code(), notPool.err());
    CliRun.Outcome imp = CliRun.run("pool", "import", parts.toString(), "--out", imported.toString());
    assertEquals(0, imp.code(), imp.err());
    assertArrayEquals(Files.readAllBytes(mined.resolve(PoolFiles.BINARY)), Files.readAllBytes(imported.resolve(PoolFiles.BINARY)));
    assertEquals(2, CliRun.run("pool", "import", dir.resolve("nothing").toString(), "--out", imported.toString()).code());
  }

  /** Encoding on the executors with a trained model gives the embeddings, and the pool, of negmine mine --model. */
  @Test
  void encodingWithATrainedModelMatchesMine() throws IOException {
    Path[] in = corpus(300, false);
    Path run = dir.resolve("run");
    CliRun.Outcome t = CliRun.run("train", "--data", in[0].toString(), "--labels", in[1].toString(), "--encoder", "mlp",
        "--epochs", "1", "--batch", "48", "--m-per-class", "8", "--no-progress", "--out", run.toString());
    assertEquals(0, t.code(), t.err());
    Path mined = dir.resolve("mine");
    Path sparked = dir.resolve("spark");
    assertEquals(0, CliRun.run("mine", "--model", run.toString(), "--data", in[0].toString(), "--labels",
        in[1].toString(), "--top", "5", "--out", mined.toString()).code());
    CliRun.Outcome s = CliRun.run("spark-mine", "--master", "local[2]", "--model", run.toString(), "--data",
        in[0].toString(), "--labels", in[1].toString(), "--top", "5", "--out", sparked.toString());
    assertEquals(0, s.code(), s.err());
    // blocks of 1024 rows aligned to row numbers: the forward passes of negmine mine --model
    assertArrayEquals(Files.readAllBytes(mined.resolve(PoolFiles.BINARY)), Files.readAllBytes(sparked.resolve(PoolFiles.BINARY)));
    CandidatePool b = PoolFiles.read(sparked);
    assertTrue(((String) b.manifest().source().get("checkpoint_sha256")).matches("[0-9a-f]{64}"));
  }

  @Test
  void badRowsFailPastTheThresholdWithOneLine() throws IOException {
    Path[] in = corpus(200, true);
    Path out = dir.resolve("pool");
    CliRun.Outcome bad = CliRun.run("spark-mine", "--master", "local[2]", "--embeddings", in[0].toString(), "--labels",
        in[1].toString(), "--top", "5", "--out", out.toString());
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("negmine spark-mine: 1 bad input row (non_finite 1); first: row 7 (non_finite)"), bad.err());
    assertTrue(bad.err().contains("--max-bad-rows 0"), bad.err());
    assertFalse(Files.exists(out));
    CliRun.Outcome ok = CliRun.run("spark-mine", "--master", "local[2]", "--embeddings", in[0].toString(), "--labels",
        in[1].toString(), "--top", "5", "--max-bad-rows", "1", "--out", out.toString(), "--json");
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().contains("\"non_finite\": 1"), ok.out());
    assertEquals(199, PoolFiles.read(out).anchors());
  }
}
