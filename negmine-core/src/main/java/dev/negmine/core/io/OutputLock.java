package dev.negmine.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One writer per output: an exclusive OS file lock on a hidden sibling {@code .NAME.lock}, held
 * while a pool, parts directory or run is being written. A second writer of the same output (another
 * process, or another thread of this one) is refused at once with one line, never left to
 * interleave. The OS drops the lock when the holder dies, so a killed writer never blocks the next
 * one.
 *
 * <p>The holder deletes the lock file before it releases the lock, so none is left behind. A
 * process that opened the file just before it was deleted could then lock the deleted file; to
 * tell, every holder writes a random token into the file it locked and checks that the path shows
 * that token, else it retries with the file now at the path.
 *
 * <p>Not reentrant. Close it (try-with-resources) to release.
 */
public final class OutputLock implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private OutputLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file that guards {@code target}. */
  public static Path fileFor(Path target) {
    Path abs = target.toAbsolutePath().normalize();
    return abs.resolveSibling("." + abs.getFileName() + ".lock");
  }

  /**
   * Takes the lock of {@code target} or fails at once.
   *
   * @param option names the output in the message (e.g. {@code --out})
   * @throws OutputRefusedException when another writer holds it
   */
  public static OutputLock acquire(String option, Path target) throws IOException {
    OutputLock l = tryAcquire(target);
    if (l == null) {
      throw new OutputRefusedException(option + " " + target + ": another negmine process is writing it (lock "
          + fileFor(target) + " is held); wait for it to finish or choose another output");
    }
    return l;
  }

  /** Takes the lock of {@code target}, or returns null when another writer holds it. */
  public static OutputLock tryAcquire(Path target) throws IOException {
    Path file = fileFor(target);
    Path parent = file.getParent();
    if (!Files.isDirectory(parent)) {
      throw new OutputRefusedException(target + ": directory " + parent + " does not exist");
    }
    for (int attempt = 0; attempt < 100; attempt++) {
      FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
      try {
        FileLock l = ch.tryLock();
        if (l == null) {
          ch.close();
          return null;
        }
        byte[] token = (Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + " "
            + ProcessHandle.current().pid() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ch.truncate(0);
        ch.write(java.nio.ByteBuffer.wrap(token), 0);
        byte[] atPath;
        try {
          atPath = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
          atPath = null;
        }
        if (java.util.Arrays.equals(token, atPath)) {
          return new OutputLock(file, ch, l);
        }
        l.release(); // we locked a file its holder had just deleted: try the one at the path now
        ch.close();
      } catch (OverlappingFileLockException e) {
        ch.close();
        return null;
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    try {
      Files.deleteIfExists(file); // while still holding the lock: see the class comment
      lock.release();
    } finally {
      channel.close();
    }
  }
}
