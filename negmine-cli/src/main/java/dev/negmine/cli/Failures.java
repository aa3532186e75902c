package dev.negmine.cli;

import dev.negmine.core.pool.PoolExpiredException;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.DateTimeException;
import java.util.regex.Pattern;

/**
 * How every command reports a failure: one line, and an exit code that says whose fault it is.
 * Anything the user can cause (a bad flag, a bad or missing file, a refused output, a full disk, an
 * expired pool) exits {@value #BAD_INPUT}; anything else is a bug in negmine, exits {@value
 * #BUG} and says so. Messages never carry Java exception class names. Stateless.
 */
public final class Failures {
  /** Exit code for failures the user can fix. */
  public static final int BAD_INPUT = 2;
  /** Exit code for negmine's own bugs. */
  public static final int BUG = 1;

  private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)(?::\\s*)?");

  /** The exit code and the one-line message of a failure. */
  public record Report(int exitCode, String message) {}

  private Failures() {}

  /** Classifies {@code t} (unwrapping {@link UncheckedIOException}). */
  public static Report of(Throwable t) {
    Throwable x = t instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : t;
    String note = dev.negmine.train.run.RunDirectory.noteOf(t);
    String tail = note == null ? "" : " (" + note + ")";
    if (isUserCaused(x)) {
      return new Report(BAD_INPUT, describe(x) + tail);
    }
    return new Report(BUG, "internal error, a bug in negmine (please report it): " + describe(x) + tail);
  }

  static boolean isUserCaused(Throwable x) {
    return x instanceof UserInputException || x instanceof IllegalArgumentException || x instanceof IOException
        || x instanceof PoolExpiredException || x instanceof DateTimeException || x instanceof ArithmeticException
        || x instanceof picocli.CommandLine.ParameterException;
  }

  /** One line: the message with paths and reasons, never an exception class name. */
  public static String describe(Throwable x) {
    String m;
    if (x instanceof FileSystemException f && f.getFile() != null) {
      String reason = f.getReason();
      String what = x instanceof NoSuchFileException ? (reason != null ? reason : "no such file or directory")
          : x instanceof AccessDeniedException ? "permission denied"
          : x instanceof FileAlreadyExistsException ? "already exists"
          : x instanceof NotDirectoryException ? "not a directory"
          : x instanceof DirectoryNotEmptyException ? "directory not empty"
          : reason != null ? reason.toLowerCase(java.util.Locale.ROOT) : "file system error";
      m = f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + what;
    } else if (x instanceof EOFException) {
      m = (x.getMessage() == null ? "" : x.getMessage() + ": ") + "unexpected end of file (truncated)";
    } else if (x instanceof CharacterCodingException) {
      m = "not valid UTF-8 text";
    } else if (x instanceof ArithmeticException || x instanceof DateTimeException) {
      m = "a value is out of range (" + x.getMessage() + ")";
    } else {
      m = x.getMessage();
      if (m == null || m.isBlank()) {
        Throwable c = x.getCause();
        m = c != null && c != x ? describe(c) : x.getClass().getSimpleName().replaceAll("(Exception|Error)$", "").toLowerCase(java.util.Locale.ROOT) + " failure";
      }
    }
    return CLASS_NAME.matcher(m).replaceAll("").replaceAll("[\\r\\n]+", " ").trim();
  }
}
