package dev.negmine.spark;

import dev.negmine.core.pool.CandidatePool;
import dev.negmine.core.pool.PoolFiles;
import dev.negmine.core.pool.PoolManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes a pool directory (or a Parquet parts directory, {@link PoolParts}) so that no reader ever sees a half pool under the target name: the pool
 * is written complete into a hidden sibling directory ({@link PoolFiles#write}: binary, then the
 * manifest holding its checksum), which is then renamed into place; an earlier pool is moved aside
 * first and deleted after. A failure before the rename leaves the earlier pool untouched; a crash
 * leaves only a hidden {@code .NAME.tmp-*} directory, never a directory named like the target.
 */
final class PoolOutput {
  private PoolOutput() {}

  /** Refuses a target that exists and is not a pool directory (or an empty directory). */
  static void check(Path out) throws IOException {
    Path abs = out.toAbsolutePath();
    if (Files.exists(abs)) {
      if (!Files.isDirectory(abs)) {
        throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
      }
      try (Stream<Path> s = Files.list(abs)) {
        // a pool (pool.bin + manifest) or Parquet parts (part-*, _SUCCESS + manifest) may be replaced
        Set<String> allowed = Set.of(PoolFiles.BINARY, PoolFiles.MANIFEST, "_SUCCESS");
        if (s.anyMatch(p -> {
          String f = p.getFileName().toString();
          return !allowed.contains(f) && !f.startsWith(".") && !f.startsWith("part-");
        })) {
          throw new IllegalArgumentException("--out " + out + " holds files that are not a negmine pool; refusing to replace it");
        }
      }
    }
  }

  static PoolManifest write(Path out, CandidatePool pool) throws IOException {
    return commit(out, tmp -> PoolFiles.write(tmp, pool));
  }

  /** Writes a directory's contents complete. */
  interface DirWriter<T> {
    T writeInto(Path dir) throws IOException;
  }

  /**
   * Runs {@code writer} on a fresh hidden sibling directory of {@code out}, then renames it into
   * place (an earlier {@code out} moved aside first, deleted after). Whatever the writer leaves
   * unfinished is deleted; {@code out} is never a partly written directory.
   */
  static <T> T commit(Path out, DirWriter<T> writer) throws IOException {
    Path abs = out.toAbsolutePath();
    Path parent = abs.getParent();
    Files.createDirectories(parent);
    String name = abs.getFileName().toString();
    String tag = UUID.randomUUID().toString().substring(0, 8);
    Path tmp = parent.resolve("." + name + ".tmp-" + tag);
    Path old = parent.resolve("." + name + ".old-" + tag);
    try {
      T result = writer.writeInto(tmp);
      if (Files.exists(abs)) {
        Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        if (Files.exists(old) && !Files.exists(abs)) {
          Files.move(old, abs, StandardCopyOption.ATOMIC_MOVE);
        }
        throw e;
      }
      deleteTree(old);
      return result;
    } finally {
      deleteTree(tmp);
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
