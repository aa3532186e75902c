package dev.negmine.cli.train;

import static dev.negmine.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.cli.CliRun;
import dev.negmine.core.io.Npy;
import dev.negmine.core.linalg.FloatMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

  static void blobs(Path x, Path y, int n, int dim, long seed) throws Exception {
    Random r = new Random(seed);
    float[] f = new float[n * dim];
    long[] l = new long[n];
    for (int i = 0; i < n; i++) {
      l[i] = i % 4;
      for (int k = 0; k < dim; k++) {
        f[i * dim + k] = (float) ((k % 4 == l[i] ? 2 : 0) + r.nextGaussian());
      }
    }
    Npy.write(x, FloatMatrix.of(n, dim, f));
    Npy.writeLongs(y, l, n);
  }

  static void assertBadInput(CliRun.Outcome r, String fragment) {
    assertEquals(2, r.code(), r.err());
    String[] lines = r.err().strip().split("\n");
    assertEquals(1, lines.length, "one error line: " + r.err());
    assertTrue(lines[0].startsWith("negmine "), lines[0]);
    assertTrue(lines[0].contains(fragment), lines[0]);
  }

  @Test
  void badInputGetsOneLineAndExitCode2(@TempDir Path tmp) throws Exception {
    Path x = tmp.resolve("x.npy");
    Path y = tmp.resolve("y.npy");
    blobs(x, y, 64, 8, 1);
    assertBadInput(run("train", "--data", x.toString(), "--encoder", "mlp", "--no-progress"), "--labels");
    assertBadInput(run("train", "--data", x.toString(), "--labels", y.toString(), "--no-progress"), "cnn encoder needs");
    Path y2 = tmp.resolve("y2.npy");
    Npy.writeLongs(y2, new long[] {0, 1, 2}, 3);
    assertBadInput(run("train", "--data", x.toString(), "--labels", y2.toString(), "--encoder", "mlp"), "3 labels");
    Path e = tmp.resolve("e.npy");
    Path el = tmp.resolve("el.npy");
    Npy.write(e, FloatMatrix.of(0, 8, new float[0]));
    Npy.writeLongs(el, new long[0], 0);
    assertBadInput(run("train", "--data", e.toString(), "--labels", el.toString(), "--encoder", "mlp"), "no items");
    assertBadInput(run("train", "--data", tmp.resolve("nope").toString()), "not found");
    assertBadInput(run("train", "--resume", tmp.toString()), "cannot resume");
  }

  @Test
  void resumingAfterTheDataChangedIsRefusedAndLeavesTheRunIntact(@TempDir Path tmp) throws Exception {
    Path x = tmp.resolve("x.npy");
    Path y = tmp.resolve("y.npy");
    blobs(x, y, 128, 8, 1);
    Path run = tmp.resolve("run");
    CliRun.Outcome ok = run("train", "--data", x.toString(), "--labels", y.toString(), "--encoder", "mlp", "--epochs", "1",
        "--batch", "32", "--m-per-class", "8", "--no-progress", "--out", run.toString());
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().contains("report: "), ok.out());
    assertTrue(Files.exists(run.resolve("report.html")));
    byte[] summary = Files.readAllBytes(run.resolve("summary.json"));
    assertBadInput(run("train", "--data", x.toString(), "--labels", y.toString(), "--encoder", "mlp", "--out", run.toString()),
        "already holds a run");
    blobs(x, y, 128, 8, 2);
    assertBadInput(run("train", "--resume", run.toString()), "cannot resume");
    assertArrayEquals(summary, Files.readAllBytes(run.resolve("summary.json")));

    Path emb = tmp.resolve("emb.npy");
    CliRun.Outcome embed = run("embed", "--model", run.toString(), "--data", x.toString(), "--labels", y.toString(), "--out", emb.toString());
    assertEquals(0, embed.code(), embed.err());
    assertEquals(128, Npy.readFloatMatrix(emb).rows());
    CliRun.Outcome viaModel = run("eval", "--model", run.toString(), "--data", x.toString(), "--labels", y.toString(), "--json");
    CliRun.Outcome viaFile = run("eval", "--embeddings", emb.toString(), "--labels", y.toString(), "--json");
    assertEquals(0, viaModel.code(), viaModel.err());
    assertEquals(viaFile.out(), viaModel.out());
    assertTrue(viaModel.out().contains("mean_average_precision_at_r"), viaModel.out());
    Path wrong = tmp.resolve("w.npy");
    Npy.write(wrong, FloatMatrix.of(2, 3, new float[6]));
    Npy.writeLongs(y, new long[] {0, 1}, 2);
    assertBadInput(run("embed", "--model", run.toString(), "--data", wrong.toString(), "--labels", y.toString(),
        "--out", emb.toString()), "reads 8 features");
  }

  @Test
  void compareWritesOneReportOverRecipesAndSeeds(@TempDir Path tmp) throws Exception {
    Path x = tmp.resolve("x.npy");
    Path y = tmp.resolve("y.npy");
    blobs(x, y, 128, 8, 3);
    Path out = tmp.resolve("cmp");
    CliRun.Outcome r = run("compare", "--recipes", "facenet,random", "--seeds", "2", "--data", x.toString(), "--labels", y.toString(),
        "--encoder", "mlp", "--epochs", "2", "--batch", "32", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("facenet") && r.out().contains("random"), r.out());
    assertTrue(Files.exists(out.resolve("compare.html")));
    assertTrue(Files.exists(out.resolve("compare.png")));
    assertTrue(Files.exists(out.resolve("random-seed2").resolve("report.html")));
  }
}
