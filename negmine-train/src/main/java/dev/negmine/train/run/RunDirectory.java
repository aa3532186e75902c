package dev.negmine.train.run;

import dev.negmine.core.io.DirectoryPublisher;
import dev.negmine.core.io.NegmineFormatException;
import dev.negmine.core.io.OutputLock;
import dev.negmine.core.io.OutputRefusedException;
import dev.negmine.core.io.OwnedDirectory;
import dev.negmine.train.checkpoint.Checkpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The life of a run directory: claimed by one writer (an {@link OutputLock} held for the whole run),
 * marked as negmine's ({@link OwnedDirectory}, kind {@value #KIND}), and, when a fresh run fails
 * before its first checkpoint, removed again so no stub blocks the next attempt. A run that fails
 * later keeps its directory: its last checkpoint is what {@code --resume} continues from. A
 * directory left by a run killed before its first checkpoint (run files only, no checkpoint, no
 * summary, no live writer) is a dead stub that a fresh run with the same {@code --out} replaces.
 *
 * <p>One instance per run; not thread-safe.
 */
public final class RunDirectory implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RunDirectory.class.getName());
  /** The marker kind of a run directory. */
  public static final String KIND = "run";
  /** Entries a run directory may hold: what negmine writes into it (the CLI's cli.json and report included). */
  static final Set<String> RUN_ENTRIES = Set.of(RunFiles.CONFIG, RunFiles.CHECKPOINT, RunFiles.METRICS, RunFiles.SUMMARY,
      RunFiles.MODEL_DIR, RunFiles.POOLS, "cli.json", RunFiles.RETRIEVAL_CONFIG, OwnedDirectory.MARKER);

  private final Path dir;
  private final boolean fresh;
  private final OutputLock lock;

  private RunDirectory(Path dir, boolean fresh, OutputLock lock) {
    this.dir = dir;
    this.fresh = fresh;
    this.lock = lock;
  }

  /**
   * Checks {@code dir} as the output of a fresh run before anything is written: refuses a file, a
   * foreign non-empty directory, a run that has a checkpoint or a summary, or one being written;
   * removes a dead stub.
   */
  public static void checkFresh(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw new OutputRefusedException("--out " + dir + ": exists and is not a directory (a run is a directory)");
    }
    if (OwnedDirectory.isEmpty(dir)) {
      return;
    }
    if (!isRunDirectory(dir)) {
      throw new OutputRefusedException("--out " + dir + ": a non-empty directory that is not a negmine run; choose a new or empty directory");
    }
    if (Files.exists(dir.resolve(RunFiles.CHECKPOINT)) || Files.exists(dir.resolve(RunFiles.SUMMARY)) || !onlyRunEntries(dir)) {
      throw new OutputRefusedException("--out " + dir + ": already holds a run; choose another --out or --resume it");
    }
    try (OutputLock l = OutputLock.tryAcquire(dir)) {
      if (l == null) {
        throw new OutputRefusedException("--out " + dir + ": another negmine process is training into it; choose another --out");
      }
      LOG.warning("removing " + dir + ": a run that stopped before its first checkpoint left it");
      DirectoryPublisher.deleteTree(dir);
    }
  }

  /** True when every entry of {@code dir} is one a run writes (hidden temporaries aside) and it has run files. */
  static boolean isRunDirectory(Path dir) throws IOException {
    return KIND.equals(OwnedDirectory.kindOf(dir)) || Files.exists(dir.resolve(RunFiles.CONFIG))
        || Files.exists(dir.resolve("cli.json")) || Files.exists(dir.resolve(RunFiles.RETRIEVAL_CONFIG));
  }

  /** True when every entry of {@code dir} is one a run writes (hidden temporaries aside). */
  private static boolean onlyRunEntries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).allMatch(n -> RUN_ENTRIES.contains(n) || n.startsWith("."));
    }
  }

  /**
   * Claims {@code dir} for this run: takes its lock, creates and marks it.
   *
   * @param fresh a new run (else a resumed one, which must find a run directory)
   */
  public static RunDirectory open(Path dir, boolean fresh) throws IOException {
    Path parent = dir.toAbsolutePath().normalize().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      Files.createDirectories(parent);
    }
    OutputLock lock = OutputLock.acquire(fresh ? "--out" : "--resume", dir);
    try {
      if (Files.exists(dir) && !Files.isDirectory(dir)) {
        throw new OutputRefusedException((fresh ? "--out " : "--resume ") + dir + ": exists and is not a directory");
      }
      if (Files.exists(dir) && !OwnedDirectory.isEmpty(dir) && !isRunDirectory(dir)) {
        throw new OutputRefusedException((fresh ? "--out " : "--resume ") + dir
            + ": a non-empty directory that is not a negmine run; choose a new or empty directory");
      }
      if (fresh && (Files.exists(dir.resolve(RunFiles.CONFIG)) || Files.exists(dir.resolve(RunFiles.SUMMARY))
          || Files.exists(dir.resolve(RunFiles.CHECKPOINT)))) {
        throw new IllegalArgumentException(dir + " already holds a run; choose another --out or --resume it");
      }
      Files.createDirectories(dir);
      if (OwnedDirectory.kindOf(dir) == null) {
        OwnedDirectory.mark(dir, KIND);
      }
      // we hold the lock, so hidden temporaries here were left by a killed writer
      try (Stream<Path> st = Files.list(dir)) {
        for (Path p : st.filter(q -> q.getFileName().toString().startsWith(".")
            && q.getFileName().toString().endsWith(".tmp")).toList()) {
          Files.deleteIfExists(p);
          LOG.warning("removed " + p + ", left by an interrupted write");
        }
      }
      return new RunDirectory(dir, fresh, lock);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /**
   * What became of the run directory after a failure, attached to the failure as a suppressed
   * exception so the one line a tool prints can say it ({@link #noteOf}).
   */
  public static final class Note extends Exception {
    private static final long serialVersionUID = 1L;

    Note(String message) {
      super(message, null, false, false);
    }
  }

  /** The note {@link #failed} attached to {@code t}, or null. */
  public static String noteOf(Throwable t) {
    for (Throwable s : t.getSuppressed()) {
      if (s instanceof Note n) {
        return n.getMessage();
      }
    }
    return null;
  }

  /**
   * After a failure: a fresh run without a checkpoint removes its directory; otherwise the directory
   * is kept for {@code --resume}. Attaches a {@link Note} saying which to {@code failure}.
   */
  public void failed(Throwable failure) {
    try {
      if (fresh && !Files.exists(dir.resolve(RunFiles.CHECKPOINT))) {
        for (String n : RUN_ENTRIES) {
          DirectoryPublisher.deleteTree(dir.resolve(n));
        }
        try (Stream<Path> s = Files.list(dir)) {
          for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()) {
            Files.deleteIfExists(p);
          }
        }
        if (OwnedDirectory.isEmpty(dir)) {
          Files.delete(dir);
        }
        failure.addSuppressed(new Note("removed the incomplete run directory " + dir));
      } else if (Files.exists(dir.resolve(RunFiles.CHECKPOINT))) {
        failure.addSuppressed(new Note("kept " + dir + " with its last checkpoint: continue it with --resume " + dir));
      }
    } catch (IOException e) {
      failure.addSuppressed(new Note("could not remove the incomplete run directory " + dir + ": " + e.getMessage()));
    }
  }

  /**
   * After a fresh run failed before claiming {@code dir}: removes it if it holds only what a
   * caller writes before the run starts (its options, a marker; no configuration, checkpoint or
   * summary) and no other process is writing it, noting so on {@code failure}.
   */
  static void discardStub(Path dir, Throwable failure) {
    try {
      if (!Files.isDirectory(dir) || !onlyRunEntries(dir) || Files.exists(dir.resolve(RunFiles.CONFIG))
          || Files.exists(dir.resolve(RunFiles.CHECKPOINT)) || Files.exists(dir.resolve(RunFiles.SUMMARY))) {
        return;
      }
      try (OutputLock l = OutputLock.tryAcquire(dir)) {
        if (l != null) {
          DirectoryPublisher.deleteTree(dir);
          failure.addSuppressed(new Note("removed the incomplete run directory " + dir));
        }
      }
    } catch (IOException e) {
      failure.addSuppressed(new Note("could not remove the incomplete run directory " + dir + ": " + e.getMessage()));
    }
  }

  /**
   * Reads a checkpoint, reporting a truncated or corrupt file as one line naming it (and what to
   * do), never as a bare end-of-file.
   */
  static Checkpoint readCheckpoint(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return Checkpoint.read(new java.io.BufferedInputStream(in));
    } catch (NegmineFormatException e) {
      throw e;
    } catch (java.io.EOFException | RuntimeException e) {
      throw new NegmineFormatException(file, "truncated or corrupt checkpoint; delete it to start the run over with --resume");
    }
  }

  @Override
  public void close() throws IOException {
    lock.close();
  }
}
