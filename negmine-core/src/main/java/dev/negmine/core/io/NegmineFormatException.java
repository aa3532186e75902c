package dev.negmine.core.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file (or other named source) does not hold what its format promises: bad magic, a malformed
 * header, an unsupported dtype, truncated data, a non-finite value where one is not allowed.
 *
 * <p>It is the only exception type the readers in this package throw for bad content, and it is
 * checked (an {@link IOException}) because every caller already handles I/O failures: a command
 * line tool catches {@code IOException} once and prints {@link #getMessage()}. The message is
 * always one line, {@code "<source>: <problem>"}, e.g.
 * {@code "x.npy: not a .npy file (bad magic)"}. Plain I/O failures (missing file, permission
 * denied) keep their own {@link IOException} subclasses.
 */
public final class NegmineFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String problem;

  /**
   * @param source what was being read, as the user would recognise it (usually the path)
   * @param problem what is wrong, without the source; line breaks are replaced by spaces
   */
  public NegmineFormatException(String source, String problem) {
    this(source, problem, null);
  }

  public NegmineFormatException(String source, String problem, Throwable cause) {
    super(oneLine(source) + ": " + oneLine(problem), cause);
    this.source = oneLine(source);
    this.problem = oneLine(problem);
  }

  /** Convenience for a file: the source is the path as the caller gave it. */
  public NegmineFormatException(Path file, String problem) {
    this(String.valueOf(file), problem, null);
  }

  /** The source named in the message (usually a path). */
  public String source() {
    return source;
  }

  /** The problem, without the source prefix. */
  public String problem() {
    return problem;
  }

  private static String oneLine(String s) {
    return s == null ? "null" : s.replaceAll("[\\r\\n]+", " ");
  }
}
