package dev.negmine.core.io;

import java.io.IOException;

/**
 * An output path breaks the output rule ({@link OutputPaths}): it names an input, a special file, a
 * directory negmine does not own, or one another process is writing. Checked, like every other bad
 * file, so command-line tools report it as one line and exit 2; the message names the option, the
 * path and the reason.
 */
public final class OutputRefusedException extends IOException {
  private static final long serialVersionUID = 1L;

  public OutputRefusedException(String message) {
    super(message.replaceAll("[\\r\\n]+", " "));
  }
}
