package dev.negmine.core.io;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.FloatMatrix;
import org.junit.jupiter.api.Test;

/** Degenerate labels, non-finite and extreme values: refused with the source named, or made scale-free. */
class DataChecksTest {
  private static String fails(org.junit.jupiter.api.function.Executable e) {
    return assertThrows(NegmineFormatException.class, e).getMessage();
  }

  @Test
  void degenerateLabelSetsAreRefused() {
    assertTrue(fails(() -> DataChecks.requireUsableLabels(new long[0], "l.npy")).equals("l.npy: no rows"));
    assertTrue(fails(() -> DataChecks.requireUsableLabels(new long[] {3, 3, 3}, "l.npy")).contains("all 3 items have label 3"));
    assertTrue(fails(() -> DataChecks.requireUsableLabels(new long[] {1, 2, 3, 4}, "l.npy")).contains("no item has a positive"));
    assertDoesNotThrow(() -> DataChecks.requireUsableLabels(new long[] {1, 2, 3, 3}, "l.npy"));
  }

  @Test
  void nonFiniteAndExtremeValuesAreRefusedNamingRowAndColumn() {
    FloatMatrix nan = FloatMatrix.of(2, 2, new float[] {1, 2, 3, Float.NaN});
    assertTrue(fails(() -> DataChecks.requireFiniteRows(nan, "e.npy")).contains("row 1, column 1"));
    assertTrue(fails(() -> DataChecks.requireFiniteRows(FloatMatrix.of(0, 2, new float[0]), "e.npy")).contains("no rows"));
    FloatMatrix huge = FloatMatrix.of(2, 2, new float[] {1e30f, 1, 1, 1});
    assertTrue(fails(() -> DataChecks.requireSafeMagnitude(huge, "e.npy")).contains("row 0, column 0"));
    assertDoesNotThrow(() -> DataChecks.requireSafeMagnitude(FloatMatrix.of(1, 2, new float[] {255, -3}), "e.npy"));
    assertThrows(IllegalArgumentException.class, () -> DataChecks.requireFinite("--max-score", Double.NaN));
    assertEquals(0.5, DataChecks.requireFinite("--max-score", 0.5));
  }

  @Test
  void cosineOfExtremeScalesEqualsCosineOfTheUnscaledData() throws NegmineFormatException {
    float[] base = {0.6f, 0.8f, 1f, 0f, -0.28f, 0.96f};
    for (float scale : new float[] {1e30f, 1e-30f, 3e38f / 2}) {
      float[] x = base.clone();
      for (int i = 0; i < x.length; i++) {
        x[i] *= scale;
      }
      FloatMatrix u = DataChecks.cosineSafe(FloatMatrix.of(3, 2, x), "e.npy");
      for (int i = 0; i < base.length; i++) {
        assertEquals(base[i], u.data()[i], 1e-6, "scale " + scale + " value " + i);
      }
    }
    FloatMatrix ordinary = FloatMatrix.of(3, 2, base.clone());
    assertSame(ordinary, DataChecks.cosineSafe(ordinary, "e.npy"), "ordinary data is used as is, bit for bit");
    assertTrue(fails(() -> DataChecks.unitRows(FloatMatrix.of(1, 2, new float[] {0, 0}), "e.npy")).contains("row 0 is a zero vector"));
  }
}
