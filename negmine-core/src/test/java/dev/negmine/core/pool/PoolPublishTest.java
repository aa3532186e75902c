package dev.negmine.core.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.io.CrashPoints;
import dev.negmine.core.io.OutputRefusedException;
import dev.negmine.core.io.OwnedDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pool is replaced as a whole: killed at any step, the old or the new pool is there, complete. */
class PoolPublishTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir
  Path dir;

  static CandidatePool oldPool() {
    return PoolTest.pool(20, 7, 0, T, Duration.ofHours(48));
  }

  static CandidatePool newPool() {
    return PoolTest.pool(30, 4, 0.05f, T, Duration.ofHours(24));
  }

  private List<String> leftovers() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.contains(".tmp") || n.contains(".old-") || n.endsWith(".lock")).toList();
    }
  }

  /** Starts a JVM that writes the new pool over {@code out}, halted at {@code point}; returns its exit status. */
  private static int child(Path out, String point, String... mode) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // tests may run on the module path: the child gets everything on its class path
    String cp = String.join(java.io.File.pathSeparator, Stream.of(System.getProperty("jdk.module.path"),
        System.getProperty("java.class.path")).filter(x -> x != null && !x.isEmpty()).toList());
    cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-Dnegmine.crashAt=" + point, "-cp", cp,
        PublishCrashChild.class.getName(), out.toString()));
    cmd.addAll(List.of(mode));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child did not finish");
    if (p.exitValue() != 0 && p.exitValue() != CrashPoints.HALT_STATUS) {
      throw new AssertionError("child failed: " + log);
    }
    return p.exitValue();
  }

  @Test
  void killedAtEveryStepLeavesTheOldOrTheNewPoolComplete() throws Exception {
    String[] points = {"publish.start", "publish.written", "publish.synced", "publish.old-aside", "publish.renamed", "publish.done"};
    boolean[] expectNew = {false, false, false, false, true, true};
    for (int i = 0; i < points.length; i++) {
      Path out = dir.resolve("pool-" + i);
      PoolFiles.write(out, oldPool());
      assertEquals(CrashPoints.HALT_STATUS, child(out, points[i]), points[i]);
      CandidatePool read = PoolFiles.read(out); // a reader restores an old pool left aside
      CandidatePool expected = expectNew[i] ? newPool() : oldPool();
      assertTrue(read.sameContents(expected), points[i] + ": expected the " + (expectNew[i] ? "new" : "old") + " pool");
      // the next writer cleans whatever the killed one left, then publishes
      assertEquals(0, child(out, "none"));
      assertTrue(PoolFiles.read(out).sameContents(newPool()), points[i]);
      String prefix = ".pool-" + i + ".";
      assertEquals(List.of(), leftovers().stream().filter(n -> n.startsWith(prefix)).toList(), points[i]);
    }
  }

  static final String NEW_EXPORT = "{\"anchor\": 1}\n".repeat(50_000);

  @Test
  void anExportKilledBeforeOrAfterItsRenameIsTheOldOrTheNewFile() throws Exception {
    Path out = dir.resolve("export.jsonl");
    Files.writeString(out, "old\n");
    assertEquals(CrashPoints.HALT_STATUS, child(out, "atomic.written", "file"));
    assertEquals("old\n", Files.readString(out));
    assertEquals(0, child(out, "none", "file"));
    assertEquals(NEW_EXPORT, Files.readString(out));
  }

  @Test
  void aFailingWriterKeepsTheOldPoolAndLeavesNoTemporaries() throws IOException {
    Path out = dir.resolve("p");
    PoolFiles.write(out, oldPool());
    assertThrows(IOException.class, () -> PoolFiles.write(out, newPool(), tmp -> {
      throw new IOException("disk full (simulated)");
    }));
    assertTrue(PoolFiles.read(out).sameContents(oldPool()));
    assertEquals(List.of(), leftovers());
    assertEquals(PoolFiles.KIND, OwnedDirectory.kindOf(out));
  }

  @Test
  void aForeignDirectoryIsNeverReplaced() throws IOException {
    Path out = Files.createDirectory(dir.resolve("mine"));
    Files.writeString(out.resolve("manifest.json"), "{\"format\": \"somebody-else\"}");
    Files.writeString(out.resolve("notes.txt"), "precious");
    OutputRefusedException e = assertThrows(OutputRefusedException.class, () -> PoolFiles.write(out, newPool()));
    assertTrue(e.getMessage().contains("did not write"), e.getMessage());
    assertEquals("precious", Files.readString(out.resolve("notes.txt")));
  }

  @Test
  void aPoolOfAnEarlierVersionIsReadAndReplaced() throws IOException {
    Path out = dir.resolve("legacy");
    PoolFiles.writeInto(out, oldPool()); // files only, no marker: as earlier versions wrote pools
    assertTrue(PoolFiles.read(out).sameContents(oldPool()));
    PoolFiles.write(out, newPool());
    assertTrue(PoolFiles.read(out).sameContents(newPool()));
  }

  @Test
  void twoConcurrentWritersOfOnePoolOneIsRefusedAndThePoolIsTheOther() throws Exception {
    Path out = dir.resolve("p");
    PoolFiles.write(out, oldPool());
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService ex = Executors.newSingleThreadExecutor();
    try {
      Future<PoolManifest> first = ex.submit(() -> PoolFiles.write(out, newPool(), tmp -> {
        inside.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IOException("interrupted", e);
        }
        return null;
      }));
      assertTrue(inside.await(30, TimeUnit.SECONDS));
      OutputRefusedException e = assertThrows(OutputRefusedException.class, () -> PoolFiles.write(out, oldPool()));
      assertTrue(e.getMessage().contains("another negmine process is writing it"), e.getMessage());
      assertTrue(PoolFiles.read(out).sameContents(oldPool()), "readers see the old pool while the new one is written");
      release.countDown();
      first.get(30, TimeUnit.SECONDS);
      assertTrue(PoolFiles.read(out).sameContents(newPool()));
      assertEquals(List.of(), leftovers());
    } finally {
      release.countDown();
      ex.shutdownNow();
    }
  }
}
