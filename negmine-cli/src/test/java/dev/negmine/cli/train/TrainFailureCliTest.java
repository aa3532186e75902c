package dev.negmine.cli.train;

import static dev.negmine.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.cli.CliRun;
import dev.negmine.core.io.Npy;
import dev.negmine.core.linalg.FloatMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training run that cannot succeed fails with one line and exit 2 and leaves no run directory
 * behind; one that stopped before its first checkpoint does not block the next attempt; a damaged
 * checkpoint is named, not reported as an end of file.
 */
class TrainFailureCliTest {
  @TempDir Path tmp;

  private CliRun.Outcome train(Path x, Path y, Path out, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("train", "--data", x.toString(), "--labels", y.toString(),
        "--encoder", "mlp", "--epochs", "1", "--batch", "32", "--m-per-class", "8", "--no-progress", "--out", out.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  private Path[] data(String name, int n) throws Exception {
    Path x = tmp.resolve(name + ".npy");
    Path y = tmp.resolve(name + "-y.npy");
    TrainCommandTest.blobs(x, y, n, 8, 1);
    return new Path[] {x, y};
  }

  /** As {@link TrainCommandTest#assertBadInput}, ignoring the start-up lines of dependencies (SLF4J, DJL) printed once per JVM. */
  static void assertBadInput(CliRun.Outcome r, String fragment) {
    String err = r.err().lines().filter(l -> !l.startsWith("SLF4J") && !l.matches("\\d\\d:\\d\\d:\\d\\d (WARN|INFO) .*") && !l.isBlank()).collect(java.util.stream.Collectors.joining("\n"));
    TrainCommandTest.assertBadInput(new CliRun.Outcome(r.code(), r.out(), err), fragment);
  }

  @Test
  void degenerateTrainingDataIsRefusedNamingTheFileAndLeavesNoRunDirectory() throws Exception {
    Path[] ok = data("ok", 128);
    FloatMatrix f = Npy.readFloatMatrix(ok[0]);
    f.set(5, 2, Float.NaN);
    Path nan = tmp.resolve("nan.npy");
    Npy.write(nan, f);
    Path run = tmp.resolve("run");
    assertBadInput(train(nan, ok[1], run), "nan.npy");
    assertFalse(Files.exists(run), "no run directory after a refusal");

    Path one = tmp.resolve("one.npy");
    Npy.writeLongs(one, new long[128], 128);
    assertBadInput(train(ok[0], one, run), "at least two classes");
    assertFalse(Files.exists(run));

    Path zeros = tmp.resolve("zeros.npy");
    Npy.write(zeros, FloatMatrix.of(128, 8, new float[128 * 8]));
    assertBadInput(train(zeros, ok[1], run), "nothing to learn");
    assertFalse(Files.exists(run));

    Path file = Files.writeString(tmp.resolve("afile"), "x");
    assertBadInput(train(ok[0], ok[1], file), "not a directory");
    assertEquals("x", Files.readString(file));
  }

  @Test
  void aFailureAfterTheRunStartedRemovesItsDirectoryAndSaysSo() throws Exception {
    Path[] ok = data("ok", 128);
    Path bad = Files.createDirectory(tmp.resolve("badpool"));
    Files.writeString(bad.resolve("manifest.json"), "{\"format\": \"negmine-pool\"}");
    Path run = tmp.resolve("run");
    CliRun.Outcome r = train(ok[0], ok[1], run, "--recipe", "pinterest", "--pool", bad.toString());
    assertBadInput(r, "removed the incomplete run directory");
    assertFalse(Files.exists(run), "no stub left behind");
  }

  @Test
  void aPoolMinedOverOtherDataOrExpiredIsRefused() throws Exception {
    Path[] ok = data("ok", 128);
    Path[] other = data("other", 96);
    Path pool = tmp.resolve("pool");
    assertEquals(0, run("mine", "--embeddings", other[0].toString(), "--labels", other[1].toString(), "--top", "5",
        "--distance", "l2", "--out", pool.toString()).code());
    Path run = tmp.resolve("run");
    assertBadInput(train(ok[0], ok[1], run, "--recipe", "pinterest", "--pool", pool.toString()),
        "mined over another corpus");
    assertFalse(Files.exists(run));

    Path fresh = tmp.resolve("fresh");
    assertEquals(0, run("mine", "--embeddings", ok[0].toString(), "--labels", ok[1].toString(), "--top", "5",
        "--distance", "l2", "--ttl", "1s", "--out", fresh.toString()).code());
    Thread.sleep(1100);
    assertBadInput(train(ok[0], ok[1], run, "--recipe", "pinterest", "--pool", fresh.toString(),
        "--pool-expiry", "fail"), "--pool " + fresh + ": expired at");
    assertFalse(Files.exists(run));
  }

  @Test
  void aStubOfAKilledRunDoesNotBlockARerunAndATruncatedCheckpointIsNamed() throws Exception {
    Path[] ok = data("ok", 128);
    Path run = tmp.resolve("run");
    // what a run killed before its first checkpoint leaves
    Files.createDirectories(run);
    Files.writeString(run.resolve("cli.json"), "{}");
    Files.writeString(run.resolve("config.json"), "{}");
    Files.writeString(run.resolve("metrics.jsonl"), "");
    CliRun.Outcome r = train(ok[0], ok[1], run);
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(run.resolve("summary.json")));

    Path ckpt = run.resolve("checkpoint.bin");
    byte[] all = Files.readAllBytes(ckpt);
    Files.write(ckpt, java.util.Arrays.copyOf(all, all.length / 2));
    assertBadInput(run("train", "--resume", run.toString(), "--no-progress"), "checkpoint.bin: truncated or corrupt");
    assertTrue(Files.exists(run.resolve("summary.json")), "the run is kept");

    Path foreign = Files.createDirectory(tmp.resolve("foreign"));
    Files.writeString(foreign.resolve("notes.txt"), "mine");
    assertBadInput(train(ok[0], ok[1], foreign), "not a negmine run");
    assertEquals("mine", Files.readString(foreign.resolve("notes.txt")));
  }

  @Test
  void textDataRefusesAnEncoderItCannotTrain() {
    // the rule lives in the library's run spec (Defaults), which train and compare both build
    assertEquals("adapter", dev.negmine.train.spec.RunSpec.builder().data("pairs.jsonl").build().encoder());
    assertEquals("cnn", dev.negmine.train.spec.RunSpec.builder().build().encoder());
    assertEquals("mlp", dev.negmine.train.spec.RunSpec.builder().encoder("MLP").build().encoder());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> dev.negmine.train.spec.RunSpec.builder().task("wordnet").encoder("cnn").build());
    assertTrue(e.getMessage().startsWith("--encoder cnn"), e.getMessage());
  }
}
