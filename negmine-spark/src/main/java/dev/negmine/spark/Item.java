package dev.negmine.spark;

import java.io.Serializable;

/**
 * One input row on its way through the job: its global row number, id, label and vector, or why it
 * is bad. Rows travel through Spark's serializer; a vector is owned by its item.
 */
final class Item implements Serializable {
  private static final long serialVersionUID = 1L;

  final long row;
  final long id;
  final long label;
  final float[] vector;
  /** Null for a good row, else one of {@link BadRows}' reasons. */
  final String bad;
  /** For a bad row: the detail shown to the user (file, value). */
  final String detail;

  Item(long row, long id, long label, float[] vector, String bad, String detail) {
    this.row = row;
    this.id = id;
    this.label = label;
    this.vector = vector;
    this.bad = bad;
    this.detail = detail;
  }

  static Item good(long row, long id, long label, float[] vector) {
    return new Item(row, id, label, vector, null, null);
  }

  static Item bad(long row, String reason, String detail) {
    return new Item(row, -1, -1, null, reason, detail);
  }

  boolean isGood() {
    return bad == null;
  }

  Item withVector(float[] v) {
    return new Item(row, id, label, v, null, null);
  }
}
