package dev.negmine.spark;

import dev.negmine.core.io.DirectoryPublisher;
import dev.negmine.core.io.OwnedDirectory;
import dev.negmine.core.pool.CandidatePool;
import dev.negmine.core.pool.PoolFiles;
import dev.negmine.core.pool.PoolManifest;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a pool directory (or a Parquet parts directory, {@link PoolParts}) so that no reader ever
 * sees a half pool under the target name: the content is written complete into a hidden sibling
 * directory and published with one rename under the output's lock ({@link DirectoryPublisher}); an
 * earlier pool is kept until the new one is in place. Only an absent or empty directory, or one that
 * holds a negmine pool or parts, may be replaced; a pool in which no anchor has a candidate (one
 * class, all singletons, no rows) is refused and the earlier pool kept.
 */
final class PoolOutput {
  private PoolOutput() {}

  /** Refuses a target that exists and is not a pool directory (or an empty directory). */
  static void check(Path out) throws IOException {
    try {
      OwnedDirectory.requireReplaceable("--out", out, PoolFiles.KIND, PoolFiles::isPoolDirectory);
    } catch (dev.negmine.core.io.OutputRefusedException e) {
      throw new IllegalArgumentException(e.getMessage(), e); // the job's contract: a bad output is an argument error
    }
  }

  static PoolManifest write(Path out, CandidatePool pool) throws IOException {
    requireAnchors(pool.anchors(), out);
    return commit(out, tmp -> PoolFiles.writeInto(tmp, pool));
  }

  /** A pool without anchors means degenerate input, never a result worth replacing a pool with. */
  static void requireAnchors(long anchors, Path out) {
    if (anchors == 0) {
      throw new IllegalArgumentException("--out " + out + ": not written: no anchor has both a positive and a candidate "
          + "(the input has one class, only singleton labels, or no usable rows)");
    }
  }

  /** Writes a directory's contents complete. */
  interface DirWriter<T> {
    T writeInto(Path dir) throws IOException;
  }

  /**
   * Runs {@code writer} on a fresh hidden sibling directory of {@code out} (not yet existing: the
   * writer may create it, as Spark insists on), then publishes it in place of {@code out}.
   */
  static <T> T commit(Path out, DirWriter<T> writer) throws IOException {
    return DirectoryPublisher.publish("--out", out, PoolFiles.KIND, PoolFiles::isPoolDirectory, writer::writeInto);
  }

  static void deleteTree(Path p) throws IOException {
    DirectoryPublisher.deleteTree(p);
  }
}
