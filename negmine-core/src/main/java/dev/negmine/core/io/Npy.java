package dev.negmine.core.io;

import dev.negmine.core.linalg.FloatMatrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0–3.0).
 *
 * <p>Read: C-order arrays of bool, int8, uint8, int16, int32, int64, float32 and float64, in
 * either byte order ({@code <}, {@code >}, {@code |}, {@code =}). Fortran-order arrays of two or
 * more dimensions, structured dtypes, and other types are rejected. The file size must match the
 * header exactly. Data is streamed in 1 MiB chunks with bulk byte-order conversion, so files of
 * several gigabytes read at disk speed; one array holds at most {@code 2^31 - 9} elements.
 *
 * <p>Write: little-endian C-order, header laid out byte for byte as {@code numpy.save} does, through
 * {@link AtomicFiles} so that an existing file is replaced only by a complete new one.
 *
 * <p>Every content problem is a {@link NegmineFormatException} whose one-line message names the
 * file. Stateless and thread-safe.
 */
public final class Npy {
  private Npy() {}

  /** Reads only the header: dtype, byte order, shape, where the data starts. */
  public static NpyHeader readHeader(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return readHeader(ch, file.toString());
    }
  }

  /** Reads any supported array. */
  public static NpyArray read(Path file) throws IOException {
    String source = file.toString();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      NpyHeader h = readHeader(ch, source);
      checkSize(ch, h, source);
      Object data = BinaryIo.readArray(ch, h.dtype(), h.byteOrder(), h.elementCount(), source);
      return new NpyArray(h.dtype(), h.shape(), data);
    }
  }

  /**
   * Reads a 2-D array as a matrix (rows = items). float32 is read straight into the matrix; other
   * numeric types are converted (uint8 unsigned, float64 rounded to float).
   *
   * @throws NegmineFormatException when the array is not 2-D
   */
  public static FloatMatrix readFloatMatrix(Path file) throws IOException {
    NpyHeader h = readHeader(file);
    if (h.shape().length != 2) {
      throw new NegmineFormatException(file, "expected a 2-D array (rows x dimensions), got shape "
          + BinaryIo.shapeString(h.shape()) + " " + h.dtype().numpyName());
    }
    return read(file).toFloatMatrix();
  }

  /**
   * Reads integer data (labels, ids, indices) of any shape, flattened in C order. Every integer
   * type (and bool) is accepted and widened; float types are rejected rather than truncated.
   */
  public static long[] readLongs(Path file) throws IOException {
    requireInteger(file, readHeader(file));
    return read(file).toLongs();
  }

  /**
   * Like {@link #readLongs} but into {@code int}; int64 values outside the int range are reported
   * with their position.
   */
  public static int[] readInts(Path file) throws IOException {
    requireInteger(file, readHeader(file));
    NpyArray a = read(file);
    if (a.dtype() == DType.INT32) {
      return (int[]) a.data();
    }
    long[] wide = a.toLongs();
    int[] out = new int[wide.length];
    for (int i = 0; i < wide.length; i++) {
      if (wide[i] != (int) wide[i]) {
        throw new NegmineFormatException(file, "value " + wide[i] + " at index " + i + " does not fit in int32");
      }
      out[i] = (int) wide[i];
    }
    return out;
  }

  /** Writes any array (little-endian, C order), atomically. */
  public static void write(Path file, NpyArray array) throws IOException {
    byte[] header = NpyHeader.encode(array.dtype(), array.shape());
    AtomicFiles.write(file, ch -> {
      BinaryIo.writeFully(ch, ByteBuffer.wrap(header));
      BinaryIo.writeArray(ch, array.dtype(), ByteOrder.LITTLE_ENDIAN, array.data(), array.size());
    });
  }

  /** Writes a matrix as a 2-D float32 array, atomically. */
  public static void write(Path file, FloatMatrix matrix) throws IOException {
    write(file, NpyArray.of(matrix));
  }

  /** Writes int64 data; no {@code shape} means 1-D of {@code data.length}. */
  public static void writeLongs(Path file, long[] data, int... shape) throws IOException {
    write(file, NpyArray.ofLongs(data, shape));
  }

  /** Writes int32 data; no {@code shape} means 1-D of {@code data.length}. */
  public static void writeInts(Path file, int[] data, int... shape) throws IOException {
    write(file, NpyArray.ofInts(data, shape));
  }

  private static void requireInteger(Path file, NpyHeader h) throws NegmineFormatException {
    if (h.dtype().isFloat()) {
      String order = h.byteOrder() == ByteOrder.BIG_ENDIAN ? ">" : "<";
      throw new NegmineFormatException(file, "dtype " + order + h.dtype().code()
          + " is a float type; labels and ids must be integers");
    }
  }

  /** Parses magic, version and header dictionary; leaves the channel at the first data byte. */
  static NpyHeader readHeader(FileChannel ch, String source) throws IOException {
    ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    int got = BinaryIo.readFully(ch, pre);
    for (int i = 0; i < NpyHeader.MAGIC.length; i++) {
      if (i >= got || pre.get(i) != NpyHeader.MAGIC[i]) {
        throw new NegmineFormatException(source, "not a .npy file (bad magic)");
      }
    }
    if (got < 10) {
      throw new NegmineFormatException(source, "truncated: the file ends inside the header");
    }
    int major = pre.get(6) & 0xFF;
    int minor = pre.get(7) & 0xFF;
    long headerLen;
    int prefix;
    if (major == 1) {
      headerLen = pre.getShort(8) & 0xFFFF;
      prefix = 10;
    } else if (major == 2 || major == 3) {
      if (got < 12) {
        throw new NegmineFormatException(source, "truncated: the file ends inside the header");
      }
      headerLen = pre.getInt(8) & 0xFFFFFFFFL;
      prefix = 12;
    } else {
      throw new NegmineFormatException(source, "unsupported .npy format version " + major + "." + minor);
    }
    long available = ch.size() - prefix;
    if (headerLen > available) {
      throw new NegmineFormatException(source, "truncated: header length is " + headerLen
          + " bytes but the file has only " + Math.max(0, available) + " after the preamble");
    }
    if (headerLen > 1 << 24) {
      throw new NegmineFormatException(source, "bad header: implausible header length " + headerLen);
    }
    ByteBuffer text = ByteBuffer.allocate((int) headerLen);
    ch.position(prefix);
    BinaryIo.readFully(ch, text);
    String dict = new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    return NpyHeader.parse(dict, prefix + headerLen, source);
  }

  private static void checkSize(FileChannel ch, NpyHeader h, String source) throws IOException {
    long have = ch.size() - h.dataOffset();
    if (have < h.dataBytes()) {
      throw new NegmineFormatException(source, "truncated: header says " + h.describe() + " ("
          + h.dataBytes() + " bytes of data) but the file has " + have + " bytes of data");
    }
    if (have > h.dataBytes()) {
      throw new NegmineFormatException(source, (have - h.dataBytes()) + " unexpected bytes after the data"
          + " (header says " + h.describe() + ", " + h.dataBytes() + " bytes)");
    }
    ch.position(h.dataOffset());
  }
}
