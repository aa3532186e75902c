package dev.negmine.cli;

import static dev.negmine.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.io.Npy;
import dev.negmine.core.linalg.FloatMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** End-to-end CLI behaviour: real files in, real files out, exit codes and one-line errors. */
class CliTest {
  static final Path SMALL = Path.of("../negmine-core/src/test/resources/fixtures/pml/small");

  @TempDir Path dir;

  /**
   * The vector backend logs its choice once per JVM on first use; make that happen before any
   * test captures stderr, so one-line error assertions do not depend on test order.
   */
  @org.junit.jupiter.api.BeforeAll
  static void chooseBackendFirst() {
    dev.negmine.core.linalg.Similarities.backend();
  }

  static long[] sortedRows(long[] flat) {
    int t = flat.length / 3;
    long[][] rows = new long[t][];
    for (int r = 0; r < t; r++) {
      rows[r] = Arrays.copyOfRange(flat, 3 * r, 3 * r + 3);
    }
    Arrays.sort(rows, (a, b) -> Arrays.compare(a, b));
    long[] outFlat = new long[flat.length];
    for (int r = 0; r < t; r++) {
      System.arraycopy(rows[r], 0, outFlat, 3 * r, 3);
    }
    return outFlat;
  }

  @ParameterizedTest
  @ValueSource(strings = {"batch-hard", "cos-batch-hard", "semihard-band", "hard-band", "all-band", "easy-band", "semihard-tf"})
  void mineBatchReproducesTheFixtureRows(String miner) throws IOException {
    Path out = dir.resolve(miner + ".npy");
    CliRun.Outcome o = run("mine-batch", "--embeddings", SMALL.resolve("emb.npy").toString(),
        "--labels", SMALL.resolve("labels.npy").toString(), "--miner", miner, "--out", out.toString());
    assertEquals(0, o.code(), o.err());
    assertArrayEquals(new int[] {Npy.readHeader(SMALL.resolve(miner + ".npy")).shape()[0], 3}, Npy.readHeader(out).shape());
    assertArrayEquals(Npy.readLongs(SMALL.resolve(miner + ".npy")), sortedRows(Npy.readLongs(out)));
  }

  @Test
  void maxTripletsCapsAndJsonReportsIt() throws IOException {
    Path out = dir.resolve("cap.npy");
    CliRun.Outcome o = run("mine-batch", "--embeddings", SMALL.resolve("emb.npy").toString(),
        "--labels", SMALL.resolve("labels.npy").toString(), "--miner", "easy-band",
        "--max-triplets", "100", "--seed", "7", "--out", out.toString(), "--json");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("\"triplets\": 100"), o.out());
    assertEquals(100, Npy.readHeader(out).shape()[0]);
  }

  @Test
  void evalPrintsMetricsAsJson() {
    CliRun.Outcome o = run("eval", "--embeddings", SMALL.resolve("emb.npy").toString(),
        "--labels", SMALL.resolve("labels.npy").toString(), "--json");
    assertEquals(0, o.code(), o.err());
    for (String key : List.of("precision_at_1", "mean_average_precision_at_r", "r_precision", "mean_reciprocal_rank")) {
      assertTrue(o.out().contains(key), "missing " + key + " in " + o.out());
    }
  }

  /** Writes embeddings and labels, then expects exit 2, a one-line error naming the file, and no output. */
  CliRun.Outcome expectBadInput(FloatMatrix emb, long[] labels, String expected, String... extra) throws IOException {
    Path e = dir.resolve("e.npy");
    Path l = dir.resolve("l.npy");
    Path out = dir.resolve("out.npy");
    Npy.write(e, emb);
    Npy.writeLongs(l, labels, labels.length);
    List<String> args = new ArrayList<>(List.of("mine-batch", "--embeddings", e.toString(), "--labels", l.toString(),
        "--miner", "batch-hard", "--out", out.toString()));
    args.addAll(List.of(extra));
    CliRun.Outcome o = run(args.toArray(String[]::new));
    assertEquals(2, o.code(), o.out() + o.err());
    assertEquals(1, o.err().strip().lines().count(), "one line expected: " + o.err());
    assertTrue(o.err().contains(expected), "expected '" + expected + "' in: " + o.err());
    assertFalse(Files.exists(out), "no output file on bad input");
    return o;
  }

  static FloatMatrix grid(int rows, int cols) {
    float[] d = new float[rows * cols];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) Math.sin(i * 0.7 + 1);
    }
    return FloatMatrix.of(rows, cols, d);
  }

  @Test
  void lengthsThatDisagree() throws IOException {
    expectBadInput(grid(6, 4), new long[] {0, 0, 1, 1, 2}, "5 labels but");
  }

  @Test
  void nanAndInf() throws IOException {
    FloatMatrix m = grid(6, 4);
    m.set(3, 2, Float.NaN);
    expectBadInput(m, new long[] {0, 0, 1, 1, 2, 2}, "value NaN at row 3, column 2");
    m.set(3, 2, Float.POSITIVE_INFINITY);
    expectBadInput(m, new long[] {0, 0, 1, 1, 2, 2}, "value Infinity at row 3, column 2");
  }

  @Test
  void zeroVectorUnderCosine() throws IOException {
    FloatMatrix m = grid(6, 4);
    for (int j = 0; j < 4; j++) {
      m.set(4, j, 0f);
    }
    expectBadInput(m, new long[] {0, 0, 1, 1, 2, 2}, "row 4 is a zero vector", "--distance", "cosine");
  }

  @Test
  void oneClass() throws IOException {
    expectBadInput(grid(6, 4), new long[] {3, 3, 3, 3, 3, 3}, "at least two classes");
  }

  @Test
  void floatLabelsAreRejected() throws IOException {
    Path e = dir.resolve("e.npy");
    Path l = dir.resolve("l.npy");
    Path out = dir.resolve("out.npy");
    Npy.write(e, grid(4, 3));
    Npy.write(l, FloatMatrix.of(4, 1, new float[] {0, 0, 1, 1}));
    CliRun.Outcome o = run("mine-batch", "--embeddings", e.toString(), "--labels", l.toString(), "--miner", "batch-hard",
        "--out", out.toString());
    assertEquals(2, o.code());
    assertTrue(o.err().contains("l.npy"), o.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void truncatedAndNonNpyFiles() throws IOException {
    Path e = dir.resolve("e.npy");
    Path l = dir.resolve("l.npy");
    Path out = dir.resolve("out.npy");
    Npy.write(e, grid(64, 8));
    Npy.writeLongs(l, new long[64], 64);
    byte[] whole = Files.readAllBytes(e);
    Files.write(e, Arrays.copyOf(whole, whole.length - 100));
    CliRun.Outcome o = run("mine-batch", "--embeddings", e.toString(), "--labels", l.toString(), "--miner", "batch-hard",
        "--out", out.toString());
    assertEquals(2, o.code());
    assertTrue(o.err().contains("e.npy") && o.err().contains("truncated"), o.err());
    Files.writeString(e, "id,x\n1,2\n");
    o = run("mine-batch", "--embeddings", e.toString(), "--labels", l.toString(), "--miner", "batch-hard",
        "--out", out.toString());
    assertEquals(2, o.code());
    assertTrue(o.err().contains("e.npy"), o.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void dimensionMismatchOfEmbeddings() throws IOException {
    Path e = dir.resolve("e.npy");
    Path l = dir.resolve("l.npy");
    Npy.writeLongs(e, new long[] {1, 2, 3}, 3);
    Npy.writeLongs(l, new long[] {0, 1, 1}, 3);
    CliRun.Outcome o = run("mine-batch", "--embeddings", e.toString(), "--labels", l.toString(), "--miner", "batch-hard",
        "--out", dir.resolve("o.npy").toString());
    assertEquals(2, o.code());
    assertTrue(o.err().contains("2-D"), o.err());
  }

  @Test
  void unknownMinerListsTheValidOnes() {
    CliRun.Outcome o = run("mine-batch", "--embeddings", SMALL.resolve("emb.npy").toString(),
        "--labels", SMALL.resolve("labels.npy").toString(), "--miner", "nope", "--out", dir.resolve("o.npy").toString());
    assertEquals(2, o.code());
    assertTrue(o.err().contains("batch-hard"), o.err());
  }

  @Test
  void existingOutputSurvivesAFailedRun() throws IOException {
    Path out = dir.resolve("keep.npy");
    Files.writeString(out, "earlier result");
    Path l = dir.resolve("bad-labels.npy");
    Npy.writeLongs(l, new long[] {0, 1}, 2);
    CliRun.Outcome o = run("mine-batch", "--embeddings", SMALL.resolve("emb.npy").toString(), "--labels", l.toString(),
        "--miner", "batch-hard", "--out", out.toString());
    assertEquals(2, o.code());
    assertEquals("earlier result", Files.readString(out));
  }

  @Test
  void benchMinersJsonHasTheDocumentedFields() {
    CliRun.Outcome o = run("bench", "miners", "--batch", "64", "--dim", "16", "--classes", "8", "--min-time", "0.05",
        "--miners", "batch-hard,semihard-band", "--json");
    assertEquals(0, o.code(), o.err());
    for (String key : List.of("\"similarity_ms\"", "\"gflops\"", "\"miners\"", "\"batch-hard\"", "\"semihard-band\"", "\"median_ms\"")) {
      assertTrue(o.out().contains(key), "missing " + key + " in " + o.out());
    }
  }
}
