package dev.negmine.core.io;

import dev.negmine.core.linalg.FloatMatrix;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST ({@code t10k-images-idx3-ubyte.gz}, ...), raw
 * or gzip-compressed. Compression is detected from the first two bytes ({@code 1f 8b}), never
 * from the file name.
 *
 * <p>Layout: two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D
 * float32, 0x0E float64), the number of dimensions, one big-endian int32 per dimension, then the
 * data in C order, big-endian. The data must fill the file exactly. Stateless and thread-safe.
 */
public final class Idx {
  private static final int GZIP_BUFFER = 1 << 16;

  private Idx() {}

  /** Reads any IDX array. */
  public static NpyArray read(Path file) throws IOException {
    String source = file.toString();
    try (FileChannel fc = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer two = ByteBuffer.allocate(2);
      BinaryIo.readFully(fc, two);
      fc.position(0);
      boolean gzip = two.position() == 2 && (two.get(0) & 0xFF) == 0x1f && (two.get(1) & 0xFF) == 0x8b;
      if (!gzip) {
        return readFrom(fc, fc.size(), source);
      }
      InputStream in;
      try {
        in = new GZIPInputStream(Channels.newInputStream(fc), GZIP_BUFFER);
      } catch (EOFException | ZipException e) {
        throw new NegmineFormatException(source, "corrupt gzip data: " + e.getMessage(), e);
      }
      try (ReadableByteChannel ch = Channels.newChannel(in)) {
        return readFrom(ch, -1, source);
      } catch (EOFException e) {
        throw new NegmineFormatException(source, "truncated: the gzip stream ends early", e);
      } catch (ZipException e) {
        throw new NegmineFormatException(source, "corrupt gzip data: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Reads images (or any array of two or more dimensions) as an N x (product of the other
   * dimensions) matrix: Fashion-MNIST's 10000x28x28 uint8 becomes 10000x784. Values are converted
   * unscaled (uint8 gives 0..255); divide by 255 for [0, 1].
   */
  public static FloatMatrix readImages(Path file) throws IOException {
    NpyArray a = read(file);
    if (a.ndim() < 2) {
      throw new NegmineFormatException(file, "expected images (2 or more dimensions), got shape "
          + BinaryIo.shapeString(a.shape()) + " " + a.dtype().numpyName());
    }
    int n = a.dim(0);
    int cols = (int) BinaryIo.elementCount(Arrays.copyOfRange(a.shape(), 1, a.ndim()));
    return FloatMatrix.of(n, cols, a.toFloats());
  }

  /** Reads a 1-D integer array (class labels), widened to long (uint8 unsigned). */
  public static long[] readLabels(Path file) throws IOException {
    NpyArray a = read(file);
    if (a.ndim() != 1 || a.dtype().isFloat()) {
      throw new NegmineFormatException(file, "expected labels (1-D integers), got shape "
          + BinaryIo.shapeString(a.shape()) + " " + a.dtype().numpyName());
    }
    return a.toLongs();
  }

  /** Parses the header and data from {@code ch}; {@code size} is the byte count when known, else -1. */
  private static NpyArray readFrom(ReadableByteChannel ch, long size, String source) throws IOException {
    ByteBuffer magic = ByteBuffer.allocate(4);
    int got = BinaryIo.readFully(ch, magic);
    if (got < 4 || magic.get(0) != 0 || magic.get(1) != 0) {
      throw new NegmineFormatException(source, "not an IDX file (bad magic)");
    }
    DType dtype = switch (magic.get(2) & 0xFF) {
      case 0x08 -> DType.UINT8;
      case 0x09 -> DType.INT8;
      case 0x0B -> DType.INT16;
      case 0x0C -> DType.INT32;
      case 0x0D -> DType.FLOAT32;
      case 0x0E -> DType.FLOAT64;
      default -> throw new NegmineFormatException(source,
          String.format("unsupported IDX type code 0x%02x", magic.get(2) & 0xFF));
    };
    int ndim = magic.get(3) & 0xFF;
    ByteBuffer dims = ByteBuffer.allocate(4 * ndim).order(ByteOrder.BIG_ENDIAN);
    if (BinaryIo.readFully(ch, dims) < dims.capacity()) {
      throw new NegmineFormatException(source, "truncated: the file ends inside the header ("
          + ndim + " dimensions)");
    }
    int[] shape = new int[ndim];
    for (int i = 0; i < ndim; i++) {
      shape[i] = dims.getInt(4 * i);
      if (shape[i] < 0) {
        throw new NegmineFormatException(source, "bad header: dimension " + i + " is "
            + Integer.toUnsignedString(shape[i]) + ", too large");
      }
    }
    long count = BinaryIo.elementCount(shape);
    if (count < 0) {
      throw new NegmineFormatException(source, "shape " + BinaryIo.shapeString(shape)
          + " holds more elements than one Java array can (" + BinaryIo.MAX_ARRAY + ")");
    }
    long dataBytes = count * dtype.size();
    String what = BinaryIo.shapeString(shape) + " " + dtype.numpyName();
    if (size >= 0) {
      long have = size - 4 - 4L * ndim;
      if (have < dataBytes) {
        throw new NegmineFormatException(source, "truncated: header says " + what + " (" + dataBytes
            + " bytes of data) but the file has " + have + " bytes of data");
      }
      if (have > dataBytes) {
        throw new NegmineFormatException(source, (have - dataBytes) + " unexpected bytes after the data"
            + " (header says " + what + ")");
      }
    }
    Object data = BinaryIo.readArray(ch, dtype, ByteOrder.BIG_ENDIAN, (int) count, source);
    if (size < 0 && BinaryIo.readFully(ch, ByteBuffer.allocate(1)) > 0) {
      throw new NegmineFormatException(source, "unexpected bytes after the data (header says " + what + ")");
    }
    return new NpyArray(dtype, shape, data);
  }
}
