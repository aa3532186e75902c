package dev.negmine.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Chunked conversion between channels and primitive arrays. Data moves through one direct buffer
 * of at most {@link #CHUNK} bytes with bulk, byte-order-aware copies ({@code asFloatBuffer().get}
 * and friends), so multi-gigabyte arrays stream at memory speed without a per-element loop.
 * Stateless and thread-safe.
 */
final class BinaryIo {
  /** Chunk size for reads and writes; a multiple of every element size. */
  static final int CHUNK = 1 << 20;

  /** Largest element count one Java array can hold on common JVMs. */
  static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private BinaryIo() {}

  /** Reads until {@code dst} is full or the channel ends; returns the number of bytes read. */
  static int readFully(ReadableByteChannel ch, ByteBuffer dst) throws IOException {
    int total = 0;
    while (dst.hasRemaining()) {
      int n = ch.read(dst);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  static void writeFully(WritableByteChannel ch, ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      ch.write(src);
    }
  }

  /**
   * Reads {@code count} elements of {@code type} in byte order {@code order} into a new array of
   * {@link DType#arrayType()}.
   *
   * @throws NegmineFormatException "truncated" when the channel ends early
   */
  static Object readArray(ReadableByteChannel ch, DType type, ByteOrder order, int count, String source)
      throws IOException {
    Object out = type.newArray(count);
    int size = type.size();
    long totalBytes = (long) count * size;
    ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.max(size, Math.min(CHUNK, totalBytes)));
    buf.order(order);
    int done = 0;
    while (done < count) {
      int n = Math.min(count - done, buf.capacity() / size);
      buf.clear().limit(n * size);
      int got = readFully(ch, buf);
      if (got < n * size) {
        throw new NegmineFormatException(source, "truncated: expected " + totalBytes
            + " bytes of data but the data ends after " + ((long) done * size + got) + " bytes");
      }
      buf.flip();
      switch (type) {
        case BOOL, INT8, UINT8 -> buf.get((byte[]) out, done, n);
        case INT16 -> buf.asShortBuffer().get((short[]) out, done, n);
        case INT32 -> buf.asIntBuffer().get((int[]) out, done, n);
        case INT64 -> buf.asLongBuffer().get((long[]) out, done, n);
        case FLOAT32 -> buf.asFloatBuffer().get((float[]) out, done, n);
        case FLOAT64 -> buf.asDoubleBuffer().get((double[]) out, done, n);
      }
      done += n;
    }
    return out;
  }

  /** Writes {@code count} elements of {@code data} (an array of {@link DType#arrayType()}). */
  static void writeArray(WritableByteChannel ch, DType type, ByteOrder order, Object data, int count)
      throws IOException {
    int size = type.size();
    long totalBytes = (long) count * size;
    ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.max(size, Math.min(CHUNK, totalBytes)));
    buf.order(order);
    int done = 0;
    while (done < count) {
      int n = Math.min(count - done, buf.capacity() / size);
      buf.clear();
      switch (type) {
        case BOOL, INT8, UINT8 -> buf.put((byte[]) data, done, n);
        case INT16 -> buf.asShortBuffer().put((short[]) data, done, n);
        case INT32 -> buf.asIntBuffer().put((int[]) data, done, n);
        case INT64 -> buf.asLongBuffer().put((long[]) data, done, n);
        case FLOAT32 -> buf.asFloatBuffer().put((float[]) data, done, n);
        case FLOAT64 -> buf.asDoubleBuffer().put((double[]) data, done, n);
      }
      buf.position(0).limit(n * size);
      writeFully(ch, buf);
      done += n;
    }
  }

  /** Product of the dimensions, or -1 when it exceeds {@link #MAX_ARRAY}. */
  static long elementCount(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
      if (n > MAX_ARRAY) {
        return -1;
      }
    }
    return n;
  }

  /** "1024x128", "5" for 1-D, "scalar" for 0-D. */
  static String shapeString(int[] shape) {
    if (shape.length == 0) {
      return "scalar";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : "x").append(shape[i]);
    }
    return sb.toString();
  }
}
