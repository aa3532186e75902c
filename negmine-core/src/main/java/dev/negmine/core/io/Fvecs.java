package dev.negmine.core.io;

import dev.negmine.core.linalg.FloatMatrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code .fvecs} format of the TEXMEX/ANN benchmarks (SIFT1M, GIST1M): one record per vector,
 * a little-endian int32 dimension {@code d} followed by {@code d} little-endian float32 values.
 *
 * <p>Every record must have the same dimension (a matrix); an empty file reads as a 0x0 matrix.
 * Records are read in 1 MiB chunks with bulk copies. Writes go through {@link AtomicFiles}.
 * Stateless and thread-safe.
 */
public final class Fvecs {
  private Fvecs() {}

  /**
   * Reads every record into a rows x d matrix.
   *
   * @throws NegmineFormatException on a record whose dimension differs from the first record's, a
   *     non-positive dimension, or a truncated last record
   */
  public static FloatMatrix read(Path file) throws IOException {
    String source = file.toString();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size == 0) {
        return FloatMatrix.zeros(0, 0);
      }
      int d = firstDimension(ch, source);
      long recordBytes = 4L + 4L * d;
      long rows = size / recordBytes;
      if (rows * d > BinaryIo.MAX_ARRAY) {
        throw new NegmineFormatException(source, rows + " vectors of dimension " + d
            + " exceed one Java array (" + BinaryIo.MAX_ARRAY + " values)");
      }
      float[] data = new float[(int) (rows * d)];
      readRecords(ch, source, d, (int) rows, (buf, record, at) ->
          buf.asFloatBuffer().get(at / 4 + 1, data, record * d, d));
      checkTail(ch, source, d, rows, size);
      return FloatMatrix.of((int) rows, d, data);
    }
  }

  /** Writes every row as one record, atomically. */
  public static void write(Path file, FloatMatrix matrix) throws IOException {
    int d = matrix.cols();
    if (d == 0 && matrix.rows() > 0) {
      throw new IllegalArgumentException("cannot write vectors of dimension 0 to .fvecs");
    }
    float[] data = matrix.data();
    AtomicFiles.write(file, ch -> writeRecords(ch, d, matrix.rows(),
        (buf, record, at) -> buf.asFloatBuffer().put(at / 4 + 1, data, record * d, d)));
  }

  /** Copies one record's payload between the chunk buffer (at byte offset {@code at}) and an array. */
  @FunctionalInterface
  interface RecordCopy {
    void copy(ByteBuffer chunk, int record, int at);
  }

  /** Reads and validates the first record's dimension; leaves the channel at position 0. */
  static int firstDimension(FileChannel ch, String source) throws IOException {
    ByteBuffer first = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    if (BinaryIo.readFully(ch, first) < 4) {
      throw new NegmineFormatException(source, "truncated: " + ch.size() + " bytes is shorter than one record header");
    }
    int d = first.getInt(0);
    if (d <= 0) {
      throw new NegmineFormatException(source, "record 0 has dimension " + d + " (must be positive)");
    }
    ch.position(0);
    return d;
  }

  /** Reads {@code rows} records of dimension {@code d} (4-byte values), checking every header. */
  static void readRecords(FileChannel ch, String source, int d, int rows, RecordCopy copy) throws IOException {
    int recordBytes = 4 + 4 * d;
    int perChunk = Math.max(1, BinaryIo.CHUNK / recordBytes);
    ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min((long) perChunk * recordBytes,
        Math.max(recordBytes, (long) rows * recordBytes))).order(ByteOrder.LITTLE_ENDIAN);
    int done = 0;
    while (done < rows) {
      int n = Math.min(rows - done, buf.capacity() / recordBytes);
      buf.clear().limit(n * recordBytes);
      BinaryIo.readFully(ch, buf);
      buf.flip();
      for (int r = 0; r < n; r++) {
        int at = r * recordBytes;
        int dim = buf.getInt(at);
        if (dim != d) {
          throw mismatch(source, done + r, dim, d);
        }
        copy.copy(buf, done + r, at);
      }
      done += n;
    }
  }

  /** After {@code rows} whole records, explains any leftover bytes. */
  static void checkTail(FileChannel ch, String source, int d, long rows, long size) throws IOException {
    long rest = size - rows * (4L + 4L * d);
    if (rest == 0) {
      return;
    }
    ByteBuffer head = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    if (BinaryIo.readFully(ch, head) == 4 && head.getInt(0) != d) {
      throw mismatch(source, rows, head.getInt(0), d);
    }
    throw new NegmineFormatException(source, "truncated: record " + rows + " has " + rest
        + " of " + (4L + 4L * d) + " bytes");
  }

  static void writeRecords(FileChannel ch, int d, int rows, RecordCopy copy) throws IOException {
    int recordBytes = 4 + 4 * d;
    int perChunk = Math.max(1, BinaryIo.CHUNK / recordBytes);
    ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min((long) perChunk * recordBytes,
        Math.max(recordBytes, (long) rows * recordBytes))).order(ByteOrder.LITTLE_ENDIAN);
    int done = 0;
    while (done < rows) {
      int n = Math.min(rows - done, buf.capacity() / recordBytes);
      buf.clear();
      for (int r = 0; r < n; r++) {
        int at = r * recordBytes;
        buf.putInt(at, d);
        copy.copy(buf, done + r, at);
      }
      buf.position(0).limit(n * recordBytes);
      BinaryIo.writeFully(ch, buf);
      done += n;
    }
  }

  private static NegmineFormatException mismatch(String source, long record, int dim, int d) {
    return new NegmineFormatException(source, "record " + record + " has dimension " + dim
        + ", expected " + d + " (from record 0)");
  }
}
