package dev.negmine.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FloatMatrixTest {
  @Test
  void transposeSwapsRowsAndColumns() {
    FloatMatrix m = FloatMatrix.of(2, 3, new float[] {1, 2, 3, 4, 5, 6});
    FloatMatrix t = m.transpose();
    assertEquals(3, t.rows());
    assertEquals(2, t.cols());
    assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.data());
    assertArrayEquals(m.data(), t.transpose().data());
  }
}
