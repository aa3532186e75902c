package dev.negmine.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.data.LabeledData;
import dev.negmine.core.io.Npy;
import dev.negmine.core.linalg.FloatMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSourcesTest {
  @Test
  void bundledDataIsFashionMnistTest() throws IOException {
    LabeledData d = DataSources.bundled();
    assertEquals(10_000, d.size());
    assertEquals(784, d.features().cols());
    assertEquals(28, d.imageSide());
  }

  @Test
  void directoryAndImagesFileFormsFindTheirLabels(@TempDir Path tmp) throws IOException {
    Path dir = DataSources.extractBundled();
    Path copy = tmp.resolve("d");
    Files.createDirectories(copy);
    Files.copy(dir.resolve("t10k-images-idx3-ubyte.gz"), copy.resolve("t10k-images-idx3-ubyte.gz"));
    Files.copy(dir.resolve("t10k-labels-idx1-ubyte.gz"), copy.resolve("t10k-labels-idx1-ubyte.gz"));
    assertEquals(10_000, DataSources.load(copy, null).size());
    assertEquals(10_000, DataSources.load(copy.resolve("t10k-images-idx3-ubyte.gz"), null).size());
    Files.delete(copy.resolve("t10k-labels-idx1-ubyte.gz"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataSources.load(copy.resolve("t10k-images-idx3-ubyte.gz"), null));
    assertTrue(e.getMessage().contains("no labels beside"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DataSources.load(copy, null));
  }

  @Test
  void npyFeaturesNeedMatchingLabels(@TempDir Path tmp) throws IOException {
    Path x = tmp.resolve("x.npy");
    Path y = tmp.resolve("y.npy");
    Npy.write(x, FloatMatrix.of(3, 2, new float[] {1, 2, 3, 4, 5, 6}));
    Npy.writeLongs(y, new long[] {0, 1, 0}, 3);
    LabeledData d = DataSources.load(x, y);
    assertEquals(3, d.size());
    assertEquals(0, d.imageSide());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> DataSources.load(x, null))
        .getMessage().contains("--labels"));
    Npy.writeLongs(y, new long[] {0, 1}, 2);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> DataSources.load(x, y))
        .getMessage().contains("2 labels"));
    Npy.write(x, FloatMatrix.of(0, 2, new float[0]));
    Npy.writeLongs(y, new long[0], 0);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> DataSources.load(x, y))
        .getMessage().contains("no items"));
    assertThrows(IllegalArgumentException.class, () -> DataSources.load(tmp.resolve("missing.npy"), y));
  }

  @Test
  void validationSplitIsSeededAndStratified() throws IOException {
    LabeledData d = DataSources.bundled();
    LabeledData[] a = DataSources.split(d, 0.1, 7);
    LabeledData[] b = DataSources.split(d, 0.1, 7);
    assertEquals(9_000, a[0].size());
    assertEquals(1_000, a[1].size());
    assertEquals(java.util.Arrays.toString(a[1].labels()), java.util.Arrays.toString(b[1].labels()));
  }
}
