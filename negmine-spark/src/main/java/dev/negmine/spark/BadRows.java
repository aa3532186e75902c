package dev.negmine.spark;

import java.io.Serializable;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Row-level input checks and their report. A bad row is never mined and never silently dropped: it
 * is counted by reason, the first few are named, and more than {@code --max-bad-rows} of them fail
 * the job. Counts come from Spark actions (not accumulators), so retried tasks never count twice.
 */
public final class BadRows {
  public static final String MISSING_VECTOR = "missing_vector";
  public static final String WRONG_DIMENSION = "wrong_dimension";
  public static final String MISSING_LABEL = "missing_label";
  public static final String NON_FINITE = "non_finite";
  public static final String ZERO_VECTOR = "zero_vector";

  private BadRows() {}

  /**
   * Checks one row; the first failing check names the reason.
   *
   * @param label null when missing
   * @param vector null when missing
   * @param zeroIsBad true under cosine (a zero vector has no direction)
   */
  static Item check(long row, long id, Long label, float[] vector, int dim, boolean zeroIsBad, String where) {
    if (vector == null) {
      return Item.bad(row, MISSING_VECTOR, where + ": no vector");
    }
    if (vector.length != dim) {
      return Item.bad(row, WRONG_DIMENSION, where + ": length " + vector.length + ", expected " + dim);
    }
    if (label == null) {
      return Item.bad(row, MISSING_LABEL, where + ": no label");
    }
    String finite = finiteProblem(vector, zeroIsBad);
    if (finite != null) {
      return Item.bad(row, finite.startsWith("zero") ? ZERO_VECTOR : NON_FINITE, where + ": " + finite);
    }
    return Item.good(row, id, label, vector);
  }

  /** Null when every value is finite and within the float32-safe magnitude (and, with {@code zeroIsBad}, some value is non-zero). */
  static String finiteProblem(float[] v, boolean zeroIsBad) {
    boolean nonZero = false;
    for (int j = 0; j < v.length; j++) {
      if (!Float.isFinite(v[j])) {
        return "value " + v[j] + " at column " + j;
      }
      if (Math.abs(v[j]) > dev.negmine.core.io.DataChecks.MAX_RAW_MAGNITUDE) {
        // float32 squares of such values overflow: scores would be NaN, the row silently lost
        return "value " + v[j] + " at column " + j + " exceeds " + dev.negmine.core.io.DataChecks.MAX_RAW_MAGNITUDE
            + " in magnitude (rescale the embeddings)";
      }
      nonZero |= v[j] != 0f;
    }
    return zeroIsBad && !nonZero ? "zero vector (cosine needs a direction)" : null;
  }

  /**
   * What the bad rows were.
   *
   * @param byReason count per reason, in a fixed order
   * @param examples the lowest-numbered bad rows, "row N (reason): detail"
   */
  public record Report(long total, Map<String, Long> byReason, List<String> examples) implements Serializable {
    public Report {
      byReason = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byReason));
      examples = List.copyOf(examples);
    }

    static Report of(Map<String, Long> counts, List<Item> firstBad) {
      Map<String, Long> ordered = new LinkedHashMap<>();
      long total = 0;
      for (String r : List.of(MISSING_VECTOR, WRONG_DIMENSION, MISSING_LABEL, NON_FINITE, ZERO_VECTOR)) {
        long c = counts.getOrDefault(r, 0L);
        ordered.put(r, c);
        total += c;
      }
      List<String> ex = firstBad.stream().sorted(Comparator.comparingLong(i -> i.row))
          .map(i -> "row " + i.row + " (" + i.bad + "): " + i.detail).toList();
      return new Report(total, ordered, ex);
    }

    /** One line: "3 bad rows (wrong_dimension 2, non_finite 1); first: row 4 (...): ...". */
    public String summary() {
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d bad input row%s (", total, total == 1 ? "" : "s"));
      String sep = "";
      for (Map.Entry<String, Long> e : new java.util.TreeMap<>(byReason).entrySet()) {
        if (e.getValue() > 0) {
          b.append(sep).append(e.getKey()).append(' ').append(e.getValue());
          sep = ", ";
        }
      }
      b.append(')');
      if (!examples.isEmpty()) {
        b.append("; first: ").append(String.join("; ", examples));
      }
      return b.toString();
    }
  }

  /** Orders bad rows by row number, for {@code takeOrdered}. */
  static final class ByRow implements Comparator<Item>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Item a, Item b) {
      return Long.compare(a.row, b.row);
    }
  }
}
