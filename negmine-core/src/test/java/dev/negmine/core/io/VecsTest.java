package dev.negmine.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.negmine.core.linalg.FloatMatrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VecsTest {
  @TempDir Path dir;

  @Test
  void fvecsRoundTripAndLayout() throws IOException {
    Path f = dir.resolve("base.fvecs");
    FloatMatrix m = FloatMatrix.fromRows(new float[][] {{1.5f, -2f}, {0f, 3f}});
    Fvecs.write(f, m);
    // d=2 then two floats, per record, little-endian
    ByteBuffer expected = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(2).putFloat(1.5f).putFloat(-2f).putInt(2).putFloat(0f).putFloat(3f);
    assertArrayEquals(expected.array(), Files.readAllBytes(f));
    FloatMatrix back = Fvecs.read(f);
    assertEquals(2, back.rows());
    assertArrayEquals(m.data(), back.data());
  }

  @Test
  void fvecsRoundTripAcrossChunks() throws IOException {
    long seed = 7L;
    Random rnd = new Random(seed);
    FloatMatrix m = FloatMatrix.zeros(3001, 129);
    for (int i = 0; i < m.data().length; i++) {
      m.data()[i] = (float) rnd.nextGaussian();
    }
    Path f = dir.resolve("big.fvecs");
    Fvecs.write(f, m);
    assertArrayEquals(m.data(), Fvecs.read(f).data());

    Path empty = dir.resolve("empty.fvecs");
    Fvecs.write(empty, FloatMatrix.zeros(0, 5));
    assertEquals(0, Files.size(empty));
    assertEquals(0, Fvecs.read(empty).rows());
  }

  @Test
  void ivecsRoundTrip() throws IOException {
    Path f = dir.resolve("gt.ivecs");
    int[][] rows = {{1, 2, 3}, {-4, 5, Integer.MAX_VALUE}};
    Ivecs.write(f, rows);
    assertEquals(2 * 16, Files.size(f));
    assertArrayEquals(rows, Ivecs.read(f));
    Ivecs.write(f, new int[0][]);
    assertEquals(0, Ivecs.read(f).length);
    assertThrows(IllegalArgumentException.class, () -> Ivecs.write(f, new int[][] {{1}, {1, 2}}));
  }

  @Test
  void rejectsDimensionMismatchAndTruncation() throws IOException {
    Path f = dir.resolve("bad.fvecs");
    ByteBuffer b = ByteBuffer.allocate(4 + 8 + 4 + 12 + 4 + 8).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(2).putFloat(1).putFloat(2).putInt(3).putFloat(1).putFloat(2).putFloat(3).putInt(2).putFloat(1).putFloat(2);
    Files.write(f, b.array());
    assertMessage(f, "record 1 has dimension 3, expected 2 (from record 0)");

    Fvecs.write(f, FloatMatrix.zeros(4, 3));
    byte[] full = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(full, full.length - 5));
    assertMessage(f, "truncated: record 3 has 11 of 16 bytes");

    Files.write(f, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(0).array());
    assertMessage(f, "record 0 has dimension 0 (must be positive)");

    Files.write(f, new byte[] {1, 0});
    assertMessage(f, "truncated: 2 bytes is shorter than one record header");

    Path iv = dir.resolve("bad.ivecs");
    Files.write(iv, ByteBuffer.allocate(4 + 4 + 4 + 8).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(1).putInt(9).putInt(2).putInt(1).putInt(1).array());
    NegmineFormatException e = assertThrows(NegmineFormatException.class, () -> Ivecs.read(iv));
    assertEquals(iv + ": record 1 has dimension 2, expected 1 (from record 0)", e.getMessage());
  }

  private static void assertMessage(Path f, String problem) {
    NegmineFormatException e = assertThrows(NegmineFormatException.class, () -> Fvecs.read(f));
    assertEquals(f + ": " + problem, e.getMessage());
  }
}
