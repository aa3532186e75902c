package dev.negmine.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.negmine.cli.CliRun;
import dev.negmine.cli.Main;
import dev.negmine.train.distributed.Launcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --distributed} under a real mpirun: rank 0 alone writes the run directory; a killed
 * or hung rank ends the job with a clear message; the last checkpoint resumes on one process.
 */
class DistributedTrainCliTest {
  private static final Pattern PID = Pattern.compile("(?m)^negmine train \\[rank (\\d+)/2\\]: pid (\\d+), 2 ranks");

  static void requireMpi() {
    if (Launcher.mpirun() == null) {
      if ("1".equals(System.getenv("NEGMINE_SKIP_MPI"))) {
        Assumptions.abort("Open MPI not installed and NEGMINE_SKIP_MPI=1");
      }
      fail("Open MPI is not installed: apt-get install openmpi-bin libopenmpi-dev (or NEGMINE_SKIP_MPI=1 to skip)");
    }
  }

  static Process start(Path log, String... trainArgs) throws IOException {
    List<String> args = new ArrayList<>(List.of("train", "--distributed"));
    args.addAll(List.of(trainArgs));
    List<String> cmd = Launcher.mpirunCommand(2, Launcher.javaCommand(Main.class.getName(), args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  /** Waits until rank 1 has printed its pid and the run has a checkpoint; returns the pid. */
  static long rankOnePidAfterCheckpoint(Process p, Path log, Path run) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(400);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        fail("the job ended early:\n" + read(log));
      }
      Matcher m = PID.matcher(read(log));
      long pid = -1;
      while (m.find()) {
        if (m.group(1).equals("1")) {
          pid = Long.parseLong(m.group(2));
        }
      }
      if (pid > 0 && Files.exists(run.resolve("checkpoint.bin"))) {
        return pid;
      }
      Thread.sleep(200);
    }
    p.destroyForcibly();
    fail("no checkpoint within 400 s:\n" + read(log));
    return -1;
  }

  static double secondsToExit(Process p) throws InterruptedException {
    long t0 = System.nanoTime();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      fail("the job did not end within 120 s of the fault");
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  @Test
  void launchBuildsTheMpirunCommandOfDistributedTrain() {
    requireMpi();
    CliRun.Outcome o = CliRun.run("launch", "--replicas", "3", "--dry-run", "--", "train", "--epochs", "1");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("mpirun") && o.out().contains("-np 3") && o.out().contains("--bind-to none"), o.out());
    assertTrue(o.out().contains(Main.class.getName() + " train --distributed --epochs 1"), o.out());
    assertEquals(2, CliRun.run("launch", "--replicas", "2", "--", "eval").code());
    assertEquals(2, CliRun.run("train", "--grad-shards", "4").code());
  }

  @Test
  void killedRankEndsTheJobAndTheCheckpointResumesOnOneProcess(@TempDir Path tmp) throws Exception {
    requireMpi();
    Path run = tmp.resolve("run");
    Path log = tmp.resolve("log");
    Process p = start(log, "--encoder", "mlp", "--epochs", "2", "--checkpoint-every", "5", "--no-progress",
        "--out", run.toString());
    long pid = rankOnePidAfterCheckpoint(p, log, run);
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    double seconds = secondsToExit(p);
    String out = read(log);
    assertNotEquals(0, p.exitValue(), out);
    assertTrue(seconds < 30, "the job took " + seconds + " s to end after rank 1 was killed:\n" + out);
    assertTrue(out.contains("exited on signal 9") || out.contains("rank died or hangs"), out);
    // only rank 0 writes: one metrics file, no summary yet; resume on a single process
    assertTrue(Files.exists(run.resolve("checkpoint.bin")));
    CliRun.Outcome resumed = CliRun.run("train", "--resume", run.toString(), "--no-progress");
    assertEquals(0, resumed.code(), resumed.err());
    String summary = Files.readString(run.resolve("summary.json"));
    assertTrue(summary.contains("\"epochs\": 2"), summary);
    // the metrics hold every step once: the killed session's lines after the checkpoint were dropped
    long steps = Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"type\":\"step\"")).count();
    Matcher m = Pattern.compile("\"steps\": (\\d+)").matcher(summary);
    assertTrue(m.find(), summary);
    assertEquals(Long.parseLong(m.group(1)), steps);
  }

  @Test
  void hungRankMakesTheOthersAbortAfterTheCollectiveTimeout(@TempDir Path tmp) throws Exception {
    requireMpi();
    Path run = tmp.resolve("run");
    Path log = tmp.resolve("log");
    Process p = start(log, "--encoder", "mlp", "--epochs", "2", "--checkpoint-every", "5", "--no-progress",
        "--collective-timeout", "10s", "--out", run.toString());
    long pid = rankOnePidAfterCheckpoint(p, log, run);
    new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor();
    try {
      double seconds = secondsToExit(p);
      String out = read(log);
      assertNotEquals(0, p.exitValue(), out);
      assertTrue(out.contains("a rank died or hangs; aborting the job"), out);
      assertTrue(seconds < 60, "the job took " + seconds + " s to end after rank 1 hung:\n" + out);
    } finally {
      new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor();
    }
  }
}
