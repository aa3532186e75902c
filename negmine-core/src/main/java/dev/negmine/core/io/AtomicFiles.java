package dev.negmine.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the complete old content or the complete new content,
 * never a half-written file, even if the process dies mid-write.
 *
 * <p>Protocol: the content goes to a hidden temporary file in the target's directory (same file
 * system, so the rename can be atomic), is forced to disk, and is renamed over the target with
 * {@link StandardCopyOption#ATOMIC_MOVE}; the directory is then forced where the platform allows
 * it, so the rename itself survives a crash. On any failure, including an exception thrown by the
 * caller's writer, the temporary file is deleted and an earlier target file is left untouched.
 *
 * <p>The temporary file is created with the default permissions for new files (not the
 * owner-only permissions of {@link Files#createTempFile}), so the final file looks like one
 * written directly. Thread-safe: concurrent writes to the same target each use their own
 * temporary file, and the last rename wins.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes the content to a channel; must not close it. */
  @FunctionalInterface
  public interface ChannelWriter {
    void writeTo(FileChannel out) throws IOException;
  }

  /** Writes the content to a buffered stream; must not close it (it is flushed afterwards). */
  @FunctionalInterface
  public interface StreamWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Atomically replaces {@code target} with what {@code writer} writes to a file channel. */
  public static void write(Path target, ChannelWriter writer) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (!Files.isDirectory(dir)) {
      throw new java.nio.file.NoSuchFileException(dir.toString(), null, "directory does not exist (to write "
          + abs.getFileName() + ")");
    }
    Path temp = createTemp(dir, abs.getFileName().toString());
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        writer.writeTo(ch);
        ch.force(true);
      }
      CrashPoints.reach("atomic.written");
      Files.move(temp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (Throwable t) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        t.addSuppressed(e);
      }
      if (t.getClass() == IOException.class) {
        // a bare I/O error (a full disk: "No space left on device") names no file: name the target
        throw new IOException(abs + ": " + t.getMessage(), t);
      }
      throw t;
    }
    forceDirectory(dir);
  }

  /** Atomically replaces {@code target} with what {@code writer} writes to a buffered stream. */
  public static void writeStream(Path target, StreamWriter writer) throws IOException {
    write(target, ch -> {
      OutputStream raw = Channels.newOutputStream(ch);
      BufferedOutputStream out = new BufferedOutputStream(new NonClosing(raw), 1 << 16);
      writer.writeTo(out);
      out.flush();
    });
  }

  /** Atomically replaces {@code target} with {@code bytes}. */
  public static void writeBytes(Path target, byte[] bytes) throws IOException {
    write(target, ch -> BinaryIo.writeFully(ch, ByteBuffer.wrap(bytes)));
  }

  /** Atomically replaces {@code target} with {@code text} encoded as UTF-8. */
  public static void writeString(Path target, CharSequence text) throws IOException {
    writeBytes(target, text.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static Path createTemp(Path dir, String name) throws IOException {
    for (int attempt = 0; ; attempt++) {
      String suffix = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
      Path temp = dir.resolve("." + name + "." + suffix + ".tmp");
      try {
        Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        return temp;
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 100) {
          throw e;
        }
      }
    }
  }

  /**
   * Makes the rename durable on POSIX systems. Best effort: some platforms (Windows) cannot open a
   * directory as a channel, and the rename has already happened, so failures are ignored.
   */
  private static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // nothing to do: durability of the rename is not guaranteed on this platform
    }
  }

  /** Keeps the caller's writer from closing the channel before it is forced. */
  private static final class NonClosing extends OutputStream {
    private final OutputStream out;

    NonClosing(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
