package dev.negmine.core.io;

import java.util.Locale;

/**
 * Element types the readers understand. Each maps to one Java array type that holds the data of an
 * {@link NpyArray}: {@code BOOL}, {@code INT8} and {@code UINT8} use {@code byte[]} (UINT8 values
 * are unsigned: read them with {@code b & 0xFF}), {@code INT16} {@code short[]}, {@code INT32}
 * {@code int[]}, {@code INT64} {@code long[]}, {@code FLOAT32} {@code float[]}, {@code FLOAT64}
 * {@code double[]}.
 */
public enum DType {
  BOOL('b', 1, byte[].class),
  INT8('i', 1, byte[].class),
  UINT8('u', 1, byte[].class),
  INT16('i', 2, short[].class),
  INT32('i', 4, int[].class),
  INT64('i', 8, long[].class),
  FLOAT32('f', 4, float[].class),
  FLOAT64('f', 8, double[].class);

  private final char kind;
  private final int size;
  private final Class<?> arrayType;

  DType(char kind, int size, Class<?> arrayType) {
    this.kind = kind;
    this.size = size;
    this.arrayType = arrayType;
  }

  /** Bytes per element. */
  public int size() {
    return size;
  }

  /** True for FLOAT32 and FLOAT64. */
  public boolean isFloat() {
    return kind == 'f';
  }

  /** The Java array class that holds data of this type. */
  public Class<?> arrayType() {
    return arrayType;
  }

  /** The NumPy name: {@code float32}, {@code uint8}, {@code bool}, ... */
  public String numpyName() {
    return this == BOOL ? "bool" : name().toLowerCase(Locale.ROOT);
  }

  /** NumPy's type code without byte order: {@code f4}, {@code u1}, {@code b1}, ... */
  String code() {
    return "" + kind + size;
  }

  /** The type for a NumPy kind character and size, or null when unsupported. */
  static DType fromCode(char kind, int size) {
    for (DType t : values()) {
      if (t.kind == kind && t.size == size) {
        return t;
      }
    }
    return null;
  }

  /** A new zeroed array of this type holding {@code n} elements. */
  Object newArray(int n) {
    return switch (this) {
      case BOOL, INT8, UINT8 -> new byte[n];
      case INT16 -> new short[n];
      case INT32 -> new int[n];
      case INT64 -> new long[n];
      case FLOAT32 -> new float[n];
      case FLOAT64 -> new double[n];
    };
  }
}
