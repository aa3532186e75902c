package dev.negmine.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Makes a directory output (a pool, Parquet parts) visible all at once, so a reader sees the
 * complete old directory or the complete new one, whatever happens to the writer.
 *
 * <p>Protocol, under the output's {@link OutputLock}: (1) stale temporaries of earlier interrupted
 * writes are cleaned and an old directory left aside by a crash is put back; (2) the content is
 * written into a hidden sibling {@code .NAME.tmp-ID}, marked ({@link OwnedDirectory}) and forced to
 * disk, files and directories; (3) an existing {@code NAME} (which must be replaceable: absent, empty,
 * marked with this kind or recognised by the legacy test) is renamed to {@code .NAME.old-ID}; (4) the
 * new directory is renamed to {@code NAME} and the parent forced; (5) the old one is deleted. A crash
 * between (3) and (4) leaves no {@code NAME} but a complete {@code .NAME.old-ID}: {@link
 * #readable} and the next write put it back, so the previous output is never lost.
 *
 * <p>Thread-safe; one writer per output at a time (a second is refused by the lock).
 */
public final class DirectoryPublisher {
  private static final Logger LOG = Logger.getLogger(DirectoryPublisher.class.getName());
  private static final String TMP = ".tmp-";
  private static final String OLD = ".old-";

  private DirectoryPublisher() {}

  /** Fills a directory; {@code dir} does not exist yet and is created by the writer or after it. */
  @FunctionalInterface
  public interface DirWriter<T> {
    T writeInto(Path dir) throws IOException;
  }

  /**
   * Writes {@code target} through {@code writer} and publishes it atomically.
   *
   * @param option names the output in messages (e.g. {@code --out})
   * @param kind the marker kind written into the directory and required of one it replaces
   * @param legacy recognises an unmarked directory from an earlier version that may be replaced
   */
  public static <T> T publish(String option, Path target, String kind, Predicate<Path> legacy, DirWriter<T> writer)
      throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (!Files.isDirectory(parent)) {
      Files.createDirectories(parent);
    }
    String name = abs.getFileName().toString();
    String id = UUID.randomUUID().toString().substring(0, 8);
    Path tmp = parent.resolve("." + name + TMP + id);
    Path old = parent.resolve("." + name + OLD + id);
    try (OutputLock lock = OutputLock.acquire(option, abs)) {
      recoverLocked(abs);
      OwnedDirectory.requireReplaceable(option, abs, kind, legacy);
      CrashPoints.reach("publish.start");
      T result;
      try {
        result = writer.writeInto(tmp);
        Files.createDirectories(tmp);
        OwnedDirectory.mark(tmp, kind);
        CrashPoints.reach("publish.written");
        forceTree(tmp);
        CrashPoints.reach("publish.synced");
        boolean hadOld = Files.exists(abs);
        if (hadOld) {
          move(abs, old);
          CrashPoints.reach("publish.old-aside");
        }
        try {
          move(tmp, abs);
        } catch (IOException e) {
          if (hadOld && !Files.exists(abs)) {
            move(old, abs);
          }
          throw e;
        }
        force(parent);
        CrashPoints.reach("publish.renamed");
      } catch (IOException e) {
        if (e.getClass() == IOException.class) {
          // a bare I/O error (a full disk) names no file: name the output
          throw new IOException(option + " " + target + ": " + e.getMessage() + "; the earlier " + kind + " is kept", e);
        }
        throw e;
      } finally {
        deleteTree(tmp);
      }
      deleteTree(old);
      CrashPoints.reach("publish.done");
      return result;
    }
  }

  /**
   * The path to read {@code target} from: itself, or, when a writer died between moving the old
   * directory aside and renaming the new one in, that old directory (put back in place when no
   * writer holds the lock). Never creates or deletes anything else.
   */
  public static Path readable(Path target) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    if (Files.exists(abs) || abs.getParent() == null || !Files.isDirectory(abs.getParent())) {
      return target;
    }
    for (int attempt = 0; attempt < 200; attempt++) {
      List<Path> aside = siblings(abs, OLD);
      if (aside.isEmpty() || Files.exists(abs)) {
        return target;
      }
      try (OutputLock lock = OutputLock.tryAcquire(abs)) {
        if (lock != null) {
          recoverLocked(abs);
          return target;
        }
      } catch (IOException e) {
        return newest(aside);
      }
      try {
        Thread.sleep(10); // a live writer is between its two renames: microseconds
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<Path> aside = siblings(abs, OLD);
    return Files.exists(abs) || aside.isEmpty() ? target : newest(aside);
  }

  /** Under the lock: puts a directory left aside back, then deletes stale temporaries, naming them. */
  private static void recoverLocked(Path abs) throws IOException {
    List<Path> aside = siblings(abs, OLD);
    if (!Files.exists(abs) && !aside.isEmpty()) {
      Path back = newest(aside);
      move(back, abs);
      LOG.warning("restored " + abs + " from " + back.getFileName() + ", left aside by an interrupted write");
      aside.remove(back);
    }
    List<Path> stale = new ArrayList<>(aside);
    stale.addAll(siblings(abs, TMP));
    for (Path p : stale) {
      deleteTree(p);
      LOG.warning("removed " + p + ", left by an interrupted write of " + abs.getFileName());
    }
  }

  private static List<Path> siblings(Path abs, String infix) throws IOException {
    String prefix = "." + abs.getFileName() + infix;
    try (Stream<Path> s = Files.list(abs.getParent())) {
      return new ArrayList<>(s.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p)).toList());
    }
  }

  private static Path newest(List<Path> dirs) throws IOException {
    Path best = dirs.get(0);
    for (Path p : dirs) {
      if (Files.getLastModifiedTime(p).compareTo(Files.getLastModifiedTime(best)) > 0) {
        best = p;
      }
    }
    return best;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /** Forces every file and directory under {@code root} to disk (directories best effort). */
  static void forceTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        if (Files.isRegularFile(p)) {
          try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.force(true);
          }
        } else if (Files.isDirectory(p)) {
          force(p);
        }
      }
    }
  }

  private static void force(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // some platforms cannot force a directory; the rename is then durable only eventually
    }
  }

  /** Deletes {@code p} and everything under it, if it exists. */
  public static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
