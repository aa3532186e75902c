package dev.negmine.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.negmine.core.linalg.FloatMatrix;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
  /** Two 2x3 uint8 images: magic 00 00 08 03, dims 2, 2, 3 (big-endian), then 12 pixels. */
  private static final byte[] IMAGES = {
    0, 0, 0x08, 3,
    0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3,
    0, 1, 2, 3, 4, 5,
    (byte) 255, (byte) 128, 10, 11, 12, 13};

  /** Three uint8 labels: magic 00 00 08 01, dim 3, then 7 0 200. */
  private static final byte[] LABELS = {0, 0, 0x08, 1, 0, 0, 0, 3, 7, 0, (byte) 200};

  @TempDir Path dir;

  @Test
  void readsRawAndGzipByMagicNotName() throws IOException {
    // Names lie on purpose: the raw file ends in .gz and the gzip file does not.
    Path raw = dir.resolve("images.gz");
    Path gz = dir.resolve("images-idx3-ubyte");
    Files.write(raw, IMAGES);
    Files.write(gz, gzip(IMAGES));
    for (Path f : new Path[] {raw, gz}) {
      FloatMatrix m = Idx.readImages(f);
      assertEquals(2, m.rows());
      assertEquals(6, m.cols());
      assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 255, 128, 10, 11, 12, 13}, m.data(), f.toString());
      NpyArray a = Idx.read(f);
      assertEquals(DType.UINT8, a.dtype());
      assertArrayEquals(new int[] {2, 2, 3}, a.shape());
    }
    Path labels = dir.resolve("labels");
    Files.write(labels, LABELS);
    assertArrayEquals(new long[] {7, 0, 200}, Idx.readLabels(labels));
    Files.write(labels, gzip(LABELS));
    assertArrayEquals(new long[] {7, 0, 200}, Idx.readLabels(labels));
  }

  @Test
  void readsWiderBigEndianTypes() throws IOException {
    Path f = dir.resolve("ints");
    // int32 (0x0C), 1-D of 2: 0x01020304 and -2
    Files.write(f, new byte[] {0, 0, 0x0C, 1, 0, 0, 0, 2, 1, 2, 3, 4, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFE});
    assertArrayEquals(new long[] {0x01020304, -2}, Idx.readLabels(f));
    // float32 (0x0D), 1x1: 1.0f = 3F 80 00 00
    Files.write(f, new byte[] {0, 0, 0x0D, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0x3F, (byte) 0x80, 0, 0});
    assertArrayEquals(new float[] {1f}, Idx.readImages(f).data());
    // no images: 0x28x28
    Files.write(f, new byte[] {0, 0, 0x08, 3, 0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28});
    FloatMatrix empty = Idx.readImages(f);
    assertEquals(0, empty.rows());
    assertEquals(784, empty.cols());
  }

  @Test
  void rejectsCorruptFiles() throws IOException {
    Path f = dir.resolve("x-idx3-ubyte");
    Files.write(f, Arrays.copyOf(IMAGES, IMAGES.length - 2));
    assertMessage(f, "truncated: header says 2x2x3 uint8 (12 bytes of data) but the file has 10 bytes of data");
    Files.write(f, Arrays.copyOf(IMAGES, IMAGES.length + 1));
    assertMessage(f, "1 unexpected bytes after the data (header says 2x2x3 uint8)");

    Files.write(f, gzip(Arrays.copyOf(IMAGES, IMAGES.length - 2)));
    assertMessage(f, "truncated: expected 12 bytes of data but the data ends after 10 bytes");
    Files.write(f, gzip(Arrays.copyOf(IMAGES, IMAGES.length + 1)));
    assertMessage(f, "unexpected bytes after the data (header says 2x2x3 uint8)");
    byte[] gz = gzip(IMAGES);
    Files.write(f, Arrays.copyOf(gz, gz.length - 12));
    assertMessage(f, "truncated: the gzip stream ends early");

    Files.write(f, new byte[] {0x50, 0x4B, 3, 4, 0, 0, 0, 0});
    assertMessage(f, "not an IDX file (bad magic)");
    Files.write(f, new byte[] {0, 0, 0x07, 1, 0, 0, 0, 0});
    assertMessage(f, "unsupported IDX type code 0x07");
    Files.write(f, new byte[] {0, 0, 0x08, 3, 0, 0, 0, 2});
    assertMessage(f, "truncated: the file ends inside the header (3 dimensions)");

    Path labels = dir.resolve("labels");
    Files.write(labels, IMAGES);
    NegmineFormatException e = assertThrows(NegmineFormatException.class, () -> Idx.readLabels(labels));
    assertEquals(labels + ": expected labels (1-D integers), got shape 2x2x3 uint8", e.getMessage());
  }

  /** Checks against the real Fashion-MNIST test split when the Debian package is installed. */
  @Test
  void readsFashionMnistWhenInstalled() throws IOException {
    Path base = Path.of("/usr/share/datasets/fashion-mnist");
    Path images = base.resolve("t10k-images-idx3-ubyte.gz");
    Path labelFile = base.resolve("t10k-labels-idx1-ubyte.gz");
    assumeTrue(Files.isReadable(images) && Files.isReadable(labelFile), "dataset-fashion-mnist not installed");
    FloatMatrix x = Idx.readImages(images);
    long[] y = Idx.readLabels(labelFile);
    assertEquals(10_000, x.rows());
    assertEquals(784, x.cols());
    assertEquals(10_000, y.length);
    int[] perClass = new int[10];
    for (long label : y) {
      perClass[(int) label]++;
    }
    int[] expected = new int[10];
    Arrays.fill(expected, 1000);
    assertArrayEquals(expected, perClass);
    float max = 0;
    for (float v : x.data()) {
      max = Math.max(max, v);
    }
    assertEquals(255f, max);
  }

  private static void assertMessage(Path f, String problem) {
    NegmineFormatException e = assertThrows(NegmineFormatException.class, () -> Idx.read(f));
    assertEquals(f + ": " + problem, e.getMessage());
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(data);
    }
    return bytes.toByteArray();
  }
}
