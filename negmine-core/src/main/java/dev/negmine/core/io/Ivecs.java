package dev.negmine.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code .ivecs} format of the TEXMEX/ANN benchmarks (ground-truth neighbour lists): one record
 * per row, a little-endian int32 dimension {@code d} followed by {@code d} little-endian int32
 * values. As for {@link Fvecs}, every record must have the same dimension. Writes go through
 * {@link AtomicFiles}. Stateless and thread-safe.
 */
public final class Ivecs {
  private Ivecs() {}

  /**
   * Reads every record; an empty file reads as no rows.
   *
   * @throws NegmineFormatException on a dimension mismatch, a non-positive dimension, or a
   *     truncated last record
   */
  public static int[][] read(Path file) throws IOException {
    String source = file.toString();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size == 0) {
        return new int[0][];
      }
      int d = Fvecs.firstDimension(ch, source);
      long rows = size / (4L + 4L * d);
      if (rows * d > BinaryIo.MAX_ARRAY) {
        throw new NegmineFormatException(source, rows + " rows of dimension " + d + " are too many to read");
      }
      int[][] out = new int[(int) rows][d];
      Fvecs.readRecords(ch, source, d, (int) rows, (buf, record, at) ->
          buf.asIntBuffer().get(at / 4 + 1, out[record], 0, d));
      Fvecs.checkTail(ch, source, d, rows, size);
      return out;
    }
  }

  /**
   * Writes every row as one record, atomically.
   *
   * @throws IllegalArgumentException when rows differ in length or have length 0
   */
  public static void write(Path file, int[][] rows) throws IOException {
    int d = rows.length == 0 ? 0 : rows[0].length;
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != d || d == 0) {
        throw new IllegalArgumentException("row " + i + " has " + rows[i].length
            + " values; .ivecs rows here must all have the same positive length " + d);
      }
    }
    AtomicFiles.write(file, ch -> Fvecs.writeRecords(ch, d, rows.length,
        (buf, record, at) -> buf.asIntBuffer().put(at / 4 + 1, rows[record], 0, d)));
  }
}
