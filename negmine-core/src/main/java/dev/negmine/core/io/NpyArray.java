package dev.negmine.core.io;

import dev.negmine.core.linalg.FloatMatrix;
import java.util.Arrays;
import java.util.Objects;

/**
 * An n-dimensional array in C (row-major) order as read from or written to a {@code .npy} or IDX
 * file: element type, shape and a flat primitive array.
 *
 * <p>{@code data} is an array of {@link DType#arrayType()} holding exactly the product of
 * {@code shape} elements; it is shared, not copied (like {@link FloatMatrix#data()}), so arrays of
 * several gigabytes move no bytes they need not. {@code shape} is copied on the way in and out.
 * {@link #equals} compares contents.
 *
 * @param dtype element type
 * @param shape dimensions, each {@code >= 0}; empty for a scalar
 * @param data the flat data, an array of {@code dtype.arrayType()}
 */
public record NpyArray(DType dtype, int[] shape, Object data) {
  public NpyArray {
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(data, "data");
    shape = shape.clone();
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
    }
    if (data.getClass() != dtype.arrayType()) {
      throw new IllegalArgumentException(
          "dtype " + dtype.numpyName() + " needs a " + dtype.arrayType().getSimpleName()
              + ", got " + data.getClass().getSimpleName());
    }
    long n = BinaryIo.elementCount(shape);
    int len = java.lang.reflect.Array.getLength(data);
    if (n != len) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + (n < 0 ? "too many" : n) + " values, got " + len);
    }
  }

  /** FLOAT32 data; an empty {@code shape} means 1-D of {@code data.length} (use the constructor for a scalar). */
  public static NpyArray ofFloats(float[] data, int... shape) {
    return new NpyArray(DType.FLOAT32, shapeOr1d(shape, data.length), data);
  }

  /** FLOAT64 data; an empty {@code shape} means 1-D. */
  public static NpyArray ofDoubles(double[] data, int... shape) {
    return new NpyArray(DType.FLOAT64, shapeOr1d(shape, data.length), data);
  }

  /** INT32 data; an empty {@code shape} means 1-D. */
  public static NpyArray ofInts(int[] data, int... shape) {
    return new NpyArray(DType.INT32, shapeOr1d(shape, data.length), data);
  }

  /** INT64 data; an empty {@code shape} means 1-D. */
  public static NpyArray ofLongs(long[] data, int... shape) {
    return new NpyArray(DType.INT64, shapeOr1d(shape, data.length), data);
  }

  /** A 2-D FLOAT32 array sharing the matrix's data. */
  public static NpyArray of(FloatMatrix m) {
    return new NpyArray(DType.FLOAT32, new int[] {m.rows(), m.cols()}, m.data());
  }

  /** The shape (a copy). */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  public int ndim() {
    return shape.length;
  }

  /** Size of dimension {@code axis}. */
  public int dim(int axis) {
    return shape[axis];
  }

  /** Number of elements. */
  public int size() {
    return java.lang.reflect.Array.getLength(data);
  }

  /** Element {@code i} of the flat data, widened to double (UINT8 unsigned, BOOL as 0 or 1). */
  public double getDouble(int i) {
    return switch (dtype) {
      case BOOL, INT8 -> ((byte[]) data)[i];
      case UINT8 -> ((byte[]) data)[i] & 0xFF;
      case INT16 -> ((short[]) data)[i];
      case INT32 -> ((int[]) data)[i];
      case INT64 -> ((long[]) data)[i];
      case FLOAT32 -> ((float[]) data)[i];
      case FLOAT64 -> ((double[]) data)[i];
    };
  }

  /**
   * The data as floats: the backing array itself for FLOAT32, otherwise a converted copy (UINT8
   * unsigned, FLOAT64 and INT64 rounded to the nearest float).
   */
  public float[] toFloats() {
    if (dtype == DType.FLOAT32) {
      return (float[]) data;
    }
    float[] out = new float[size()];
    switch (dtype) {
      case BOOL, INT8 -> {
        byte[] b = (byte[]) data;
        for (int i = 0; i < out.length; i++) {
          out[i] = b[i];
        }
      }
      case UINT8 -> {
        byte[] b = (byte[]) data;
        for (int i = 0; i < out.length; i++) {
          out[i] = b[i] & 0xFF;
        }
      }
      case INT16 -> {
        short[] s = (short[]) data;
        for (int i = 0; i < out.length; i++) {
          out[i] = s[i];
        }
      }
      case INT32 -> {
        int[] s = (int[]) data;
        for (int i = 0; i < out.length; i++) {
          out[i] = s[i];
        }
      }
      case INT64 -> {
        long[] s = (long[]) data;
        for (int i = 0; i < out.length; i++) {
          out[i] = s[i];
        }
      }
      case FLOAT64 -> {
        double[] s = (double[]) data;
        for (int i = 0; i < out.length; i++) {
          out[i] = (float) s[i];
        }
      }
      case FLOAT32 -> throw new AssertionError();
    }
    return out;
  }

  /**
   * The data as longs: the backing array for INT64, otherwise a widened copy (UINT8 unsigned).
   *
   * @throws IllegalStateException for float types, which are not silently truncated
   */
  public long[] toLongs() {
    if (dtype.isFloat()) {
      throw new IllegalStateException("dtype " + dtype.numpyName() + " is a float type, not an integer type");
    }
    if (dtype == DType.INT64) {
      return (long[]) data;
    }
    long[] out = new long[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (long) getDouble(i);
    }
    return out;
  }

  /**
   * A 2-D array as a matrix (rows = dimension 0), sharing the data for FLOAT32.
   *
   * @throws IllegalStateException when the array is not 2-D
   */
  public FloatMatrix toFloatMatrix() {
    if (shape.length != 2) {
      throw new IllegalStateException("expected a 2-D array, got shape " + BinaryIo.shapeString(shape));
    }
    return FloatMatrix.of(shape[0], shape[1], toFloats());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NpyArray a
        && a.dtype == dtype
        && Arrays.equals(a.shape, shape)
        && Objects.deepEquals(a.data, data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.deepHashCode(new Object[] {data}));
  }

  @Override
  public String toString() {
    return "NpyArray[" + dtype.numpyName() + " " + BinaryIo.shapeString(shape) + "]";
  }

  private static int[] shapeOr1d(int[] shape, int length) {
    return shape.length == 0 ? new int[] {length} : shape;
  }
}
