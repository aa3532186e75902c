package dev.negmine.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.FloatMatrix;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  private static final long SEED = 20240611L;

  @TempDir Path dir;

  @Test
  void roundTripsEveryDtypeAndShape() throws IOException {
    Random rnd = new Random(SEED);
    List<int[]> shapes = List.of(new int[] {}, new int[] {0}, new int[] {7}, new int[] {0, 5},
        new int[] {3, 4}, new int[] {2, 3, 4}, new int[] {1, 1, 1, 2});
    for (DType t : DType.values()) {
      for (int[] shape : shapes) {
        NpyArray a = randomArray(t, shape, rnd);
        Path f = dir.resolve(t + "-" + shape.length + ".npy");
        Npy.write(f, a);
        NpyArray b = Npy.read(f);
        assertEquals(a, b, t + " " + BinaryIo.shapeString(shape));
        NpyHeader h = Npy.readHeader(f);
        assertEquals(0, h.dataOffset() % 64, "data is 64-byte aligned");
        assertEquals(Files.size(f), h.dataOffset() + h.dataBytes());
      }
    }
  }

  @Test
  void roundTripsLargeArrayAcrossChunks() throws IOException {
    // About 3 MiB of data: several BinaryIo chunks and a partial last chunk.
    Random rnd = new Random(SEED);
    float[] data = new float[5 * 157289];
    for (int i = 0; i < data.length; i++) {
      data[i] = rnd.nextFloat();
    }
    Path f = dir.resolve("big.npy");
    Npy.write(f, NpyArray.ofFloats(data, data.length / 5, 5));
    FloatMatrix m = Npy.readFloatMatrix(f);
    assertArrayEquals(data, m.data());
  }

  @Test
  void matrixAndLabelHelpers() throws IOException {
    FloatMatrix m = FloatMatrix.fromRows(new float[][] {{1, 2, 3}, {4, 5, Float.MIN_VALUE}});
    Path f = dir.resolve("emb.npy");
    Npy.write(f, m);
    FloatMatrix back = Npy.readFloatMatrix(f);
    assertEquals(2, back.rows());
    assertArrayEquals(m.data(), back.data());

    Path empty = dir.resolve("empty.npy");
    Npy.write(empty, FloatMatrix.zeros(0, 16));
    FloatMatrix e = Npy.readFloatMatrix(empty);
    assertEquals(0, e.rows());
    assertEquals(16, e.cols());

    Path labels = dir.resolve("labels.npy");
    Npy.writeLongs(labels, new long[] {5, -1, Long.MAX_VALUE});
    assertArrayEquals(new long[] {5, -1, Long.MAX_VALUE}, Npy.readLongs(labels));
    assertArrayEquals(new int[] {3}, Npy.readHeader(labels).shape());

    Path ints = dir.resolve("ints.npy");
    Npy.writeInts(ints, new int[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6}, Npy.readLongs(ints));
    assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, Npy.readInts(ints));
    assertArrayEquals(new int[] {2, 3}, Npy.readHeader(ints).shape());

    Path u8 = dir.resolve("u8.npy");
    Npy.write(u8, new NpyArray(DType.UINT8, new int[] {1, 2}, new byte[] {(byte) 200, 7}));
    assertArrayEquals(new long[] {200, 7}, Npy.readLongs(u8), "uint8 is unsigned");
    assertArrayEquals(new float[] {200, 7}, Npy.readFloatMatrix(u8).data());

    Path f8 = dir.resolve("f8.npy");
    Npy.write(f8, NpyArray.ofDoubles(new double[] {0.5, 1e300}, 1, 2));
    assertArrayEquals(new float[] {0.5f, Float.POSITIVE_INFINITY}, Npy.readFloatMatrix(f8).data());
  }

  @Test
  void readIntsRejectsValuesOutsideInt32() throws IOException {
    Path f = dir.resolve("big.npy");
    Npy.writeLongs(f, new long[] {1, 1L << 40});
    NegmineFormatException e = assertThrows(NegmineFormatException.class, () -> Npy.readInts(f));
    assertEquals(f + ": value 1099511627776 at index 1 does not fit in int32", e.getMessage());
  }

  /** The fixtures were written by numpy.save; our writer must reproduce them byte for byte. */
  @Test
  void matchesNumpyFilesByteForByte() throws Exception {
    for (String name : List.of("emb.npy", "labels.npy", "batch-hard.npy")) {
      Path original = Path.of(getClass().getResource("/fixtures/pml/small/" + name).toURI());
      NpyArray a = Npy.read(original);
      Path copy = dir.resolve(name);
      Npy.write(copy, a);
      assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(copy), name);
    }
    Path emb = Path.of(getClass().getResource("/fixtures/pml/small/emb.npy").toURI());
    FloatMatrix m = Npy.readFloatMatrix(emb);
    assertEquals(64, m.rows());
    assertEquals(8, m.cols());
    Validation.requireFinite(m, emb.toString());
  }

  @Test
  void readsBigEndianBoolAndVersion2() throws IOException {
    Path f = dir.resolve("be.npy");
    ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-2f).putFloat(3e-3f);
    Files.write(f, npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }", data.array()));
    assertEquals(NpyArray.ofFloats(new float[] {1.5f, -2f, 3e-3f}), Npy.read(f));

    ByteBuffer longs = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putLong(-3).putLong(1L << 50);
    Files.write(f, npy(1, "{'descr': '>i8', 'fortran_order': False, 'shape': (2,)}", longs.array()));
    assertArrayEquals(new long[] {-3, 1L << 50}, Npy.readLongs(f));

    Files.write(f, npy(1, "{'fortran_order': False, 'shape': (2, 2), 'descr': '|b1', }", new byte[] {1, 0, 0, 1}));
    NpyArray b = Npy.read(f);
    assertEquals(DType.BOOL, b.dtype());
    assertArrayEquals(new long[] {1, 0, 0, 1}, b.toLongs());

    Files.write(f, npy(2, "{\"descr\": \"<i2\", \"fortran_order\": False, \"shape\": (1, 2)}",
        new byte[] {1, 0, (byte) 0xFF, (byte) 0xFF}));
    assertArrayEquals(new long[] {1, -1}, Npy.readLongs(f));

    Files.write(f, npy(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (1,), }", new byte[8]));
    assertArrayEquals(new double[] {0}, (double[]) Npy.read(f).data(), "1-D Fortran order is C order");
  }

  @Test
  void rejectsCorruptFiles() throws IOException {
    Path f = dir.resolve("emb.npy");
    Npy.write(f, FloatMatrix.zeros(1024, 128));
    byte[] full = Files.readAllBytes(f);

    Files.write(f, java.util.Arrays.copyOf(full, 128 + 1000));
    assertMessage(f, "truncated: header says 1024x128 float32 (524288 bytes of data) but the file has 1000 bytes of data");

    Files.write(f, java.util.Arrays.copyOf(full, full.length + 3));
    assertMessage(f, "3 unexpected bytes after the data (header says 1024x128 float32, 524288 bytes)");

    Files.write(f, "PK\3\4 this is a zip".getBytes(StandardCharsets.ISO_8859_1));
    assertMessage(f, "not a .npy file (bad magic)");

    Files.write(f, new byte[0]);
    assertMessage(f, "not a .npy file (bad magic)");

    Files.write(f, java.util.Arrays.copyOf(full, 40));
    assertMessage(f, "truncated: header length is 118 bytes but the file has only 30 after the preamble");

    Files.write(f, npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), ", new byte[48]));
    assertMessage(f, "bad header dictionary: unexpected end at offset 59");

    Files.write(f, npy(1, "{'descr': '<f4', 'shape': (3,), }", new byte[12]));
    assertMessage(f, "bad header dictionary: missing key 'fortran_order'");

    Files.write(f, npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': [3], }", new byte[12]));
    assertMessage(f, "bad header dictionary: shape is not a tuple");

    Files.write(f, npy(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }", new byte[24]));
    assertMessage(f, "unsupported dtype '<c8' (supported: bool, int8, uint8, int16, int32, int64, float32, float64)");

    Files.write(f, npy(1, "{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (3,), }", new byte[12]));
    assertMessage(f, "unsupported dtype [('x', '<f4')] (structured arrays are not supported)");

    Files.write(f, npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", new byte[24]));
    assertMessage(f, "Fortran-order (column-major) arrays are not supported;"
        + " save a C-order array (numpy.ascontiguousarray) instead");

    byte[] v9 = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }", new byte[0]);
    v9[6] = 9;
    Files.write(f, v9);
    assertMessage(f, "unsupported .npy format version 9.0");
  }

  @Test
  void rejectsFloatLabelsAndWrongRank() throws IOException {
    Path labels = dir.resolve("labels.npy");
    Npy.write(labels, NpyArray.ofFloats(new float[] {0, 1, 1}));
    NegmineFormatException e = assertThrows(NegmineFormatException.class, () -> Npy.readLongs(labels));
    assertEquals(labels + ": dtype <f4 is a float type; labels and ids must be integers", e.getMessage());
    assertThrows(NegmineFormatException.class, () -> Npy.readInts(labels));

    NegmineFormatException rank = assertThrows(NegmineFormatException.class, () -> Npy.readFloatMatrix(labels));
    assertEquals(labels + ": expected a 2-D array (rows x dimensions), got shape 3 float32", rank.getMessage());
  }

  @Test
  void requireFiniteNamesTheFirstBadValue() throws NegmineFormatException {
    FloatMatrix m = FloatMatrix.zeros(5, 8);
    Validation.requireFinite(m, "emb.npy");
    m.set(3, 7, Float.NaN);
    m.set(4, 0, Float.POSITIVE_INFINITY);
    NegmineFormatException e = assertThrows(NegmineFormatException.class, () -> Validation.requireFinite(m, "emb.npy"));
    assertEquals("emb.npy: value NaN at row 3, column 7", e.getMessage());
    assertEquals("emb.npy", e.source());
    m.set(3, 7, 0);
    e = assertThrows(NegmineFormatException.class, () -> Validation.requireFinite(m, "emb.npy"));
    assertEquals("emb.npy: value Infinity at row 4, column 0", e.getMessage());
  }

  @Test
  void recordValidatesItsData() {
    assertThrows(IllegalArgumentException.class, () -> new NpyArray(DType.FLOAT32, new int[] {3}, new double[3]));
    assertThrows(IllegalArgumentException.class, () -> new NpyArray(DType.INT32, new int[] {2, 2}, new int[3]));
    assertThrows(IllegalArgumentException.class, () -> new NpyArray(DType.INT32, new int[] {-1}, new int[0]));
    int[] shape = {2};
    NpyArray a = new NpyArray(DType.INT32, shape, new int[2]);
    shape[0] = 5;
    assertArrayEquals(new int[] {2}, a.shape(), "shape is copied");
    assertThrows(IllegalStateException.class, () -> NpyArray.ofDoubles(new double[1]).toLongs());
  }

  private void assertMessage(Path f, String problem) {
    NegmineFormatException e = assertThrows(NegmineFormatException.class, () -> Npy.read(f));
    assertEquals(f + ": " + problem, e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertTrue(e.getMessage().startsWith(e.source() + ": "));
  }

  /** A .npy file with the given version and header text (padded with spaces and a newline). */
  static byte[] npy(int major, String dict, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(NpyHeader.MAGIC);
    out.write(major);
    out.write(0);
    byte[] text = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
    if (major == 1) {
      len.putShort((short) text.length);
    } else {
      len.putInt(text.length);
    }
    out.writeBytes(len.array());
    out.writeBytes(text);
    out.writeBytes(data);
    return out.toByteArray();
  }

  static NpyArray randomArray(DType t, int[] shape, Random rnd) {
    int n = (int) BinaryIo.elementCount(shape);
    Object data = t.newArray(n);
    for (int i = 0; i < n; i++) {
      switch (t) {
        case BOOL -> ((byte[]) data)[i] = (byte) rnd.nextInt(2);
        case INT8, UINT8 -> ((byte[]) data)[i] = (byte) rnd.nextInt();
        case INT16 -> ((short[]) data)[i] = (short) rnd.nextInt();
        case INT32 -> ((int[]) data)[i] = rnd.nextInt();
        case INT64 -> ((long[]) data)[i] = rnd.nextLong();
        case FLOAT32 -> ((float[]) data)[i] = (float) rnd.nextGaussian();
        case FLOAT64 -> ((double[]) data)[i] = rnd.nextGaussian();
      }
    }
    return new NpyArray(t, shape, data);
  }
}
