package dev.negmine.core.io;

import dev.negmine.core.linalg.FloatMatrix;
import java.util.HashMap;
import java.util.Map;

/**
 * The checks every command applies to data before any work, so degenerate input is refused with one
 * line naming its source instead of giving an empty pool, a perfect or NaN metric, or a wrong model.
 * Each check throws {@link NegmineFormatException} ({@code "SOURCE: problem"}). Stateless.
 *
 * <p>Magnitudes: float32 squares overflow past about 1.8e19 and underflow below about 1e-23, so
 * cosine work is done on rows normalised in double ({@link #unitRows}), and raw dot products and L2
 * distances refuse values whose squares summed over a row could overflow ({@link #requireSafeMagnitude}).
 */
public final class DataChecks {
  /** Largest |value| accepted for raw (unnormalised) dot products and L2 distances. */
  public static final double MAX_RAW_MAGNITUDE = 1e15;

  private DataChecks() {}

  /**
   * Labels usable for metric learning, mining and retrieval evaluation: at least one row, at least
   * two classes, and at least one class with two items (else no item has a positive).
   */
  public static void requireUsableLabels(long[] labels, String source) throws NegmineFormatException {
    if (labels.length == 0) {
      throw new NegmineFormatException(source, "no rows");
    }
    Map<Long, Integer> counts = new HashMap<>();
    for (long l : labels) {
      counts.merge(l, 1, Integer::sum);
    }
    if (counts.size() == 1) {
      throw new NegmineFormatException(source, "all " + labels.length + " items have label " + labels[0]
          + "; at least two classes are needed");
    }
    if (counts.size() == labels.length) {
      throw new NegmineFormatException(source, "every one of the " + labels.length
          + " labels occurs once, so no item has a positive; at least one class needs two items");
    }
  }

  /** Rows, then every value finite. */
  public static void requireFiniteRows(FloatMatrix m, String source) throws NegmineFormatException {
    if (m.rows() == 0) {
      throw new NegmineFormatException(source, "no rows");
    }
    Validation.requireFinite(m, source);
  }

  /** Refuses values whose squares could overflow float32 sums over a row ({@link #MAX_RAW_MAGNITUDE}). */
  public static void requireSafeMagnitude(FloatMatrix m, String source) throws NegmineFormatException {
    float[] x = m.data();
    int d = m.cols();
    double limit = Math.min(MAX_RAW_MAGNITUDE, Math.sqrt(Float.MAX_VALUE / 4.0 / Math.max(1, d)));
    for (int i = 0; i < x.length; i++) {
      if (Math.abs(x[i]) > limit) {
        throw new NegmineFormatException(source, "value " + x[i] + " at row " + (i / d) + ", column " + (i % d)
            + " exceeds " + (float) limit + " in magnitude: float32 products would overflow; rescale the data");
      }
    }
  }

  /**
   * For cosine: {@code m} itself when float32 norms of its rows are exact enough (every value within
   * [1e-15, 1e15] in magnitude or zero), else {@link #unitRows}. Ordinary data thus keeps its
   * float32 scores bit for bit, and extreme scales still give the cosine of the unscaled data.
   */
  public static FloatMatrix cosineSafe(FloatMatrix m, String source) throws NegmineFormatException {
    for (float v : m.data()) {
      float a = Math.abs(v);
      if (a != 0 && (a > 1e15f || a < 1e-15f)) {
        return unitRows(m, source);
      }
    }
    return m;
  }

  /**
   * Each row divided by its L2 norm computed in double, so cosine does not depend on scale even
   * for values whose float32 squares overflow or underflow. Refuses all-zero rows.
   */
  public static FloatMatrix unitRows(FloatMatrix m, String source) throws NegmineFormatException {
    int n = m.rows();
    int d = m.cols();
    float[] x = m.data();
    float[] out = new float[x.length];
    for (int r = 0; r < n; r++) {
      double max = 0;
      for (int k = 0; k < d; k++) {
        max = Math.max(max, Math.abs((double) x[r * d + k]));
      }
      if (max == 0) {
        throw new NegmineFormatException(source, "row " + r + " is a zero vector; cosine is undefined for it");
      }
      double ss = 0;
      for (int k = 0; k < d; k++) {
        double v = x[r * d + k] / max;
        ss += v * v;
      }
      double norm = Math.sqrt(ss) * max;
      for (int k = 0; k < d; k++) {
        out[r * d + k] = (float) (x[r * d + k] / norm);
      }
    }
    return FloatMatrix.of(n, d, out);
  }

  /** A numeric option must be finite (NaN would silently mean "no limit" to comparisons). */
  public static double requireFinite(String option, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(option + " must be a finite number, got " + value);
    }
    return value;
  }
}
