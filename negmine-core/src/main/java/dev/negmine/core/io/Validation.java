package dev.negmine.core.io;

import dev.negmine.core.linalg.FloatMatrix;

/** Checks on data just read, reported like format errors so the message names the file. */
public final class Validation {
  private Validation() {}

  /**
   * Fails on the first NaN or infinite value in row-major order.
   *
   * @param source names the data in the message, e.g. the file it came from
   * @throws NegmineFormatException e.g. {@code "emb.npy: value NaN at row 3, column 7"}
   */
  public static void requireFinite(FloatMatrix m, String source) throws NegmineFormatException {
    float[] data = m.data();
    int cols = m.cols();
    for (int i = 0; i < data.length; i++) {
      if (!Float.isFinite(data[i])) {
        throw new NegmineFormatException(source,
            "value " + data[i] + " at row " + (i / cols) + ", column " + (i % cols));
      }
    }
  }
}
