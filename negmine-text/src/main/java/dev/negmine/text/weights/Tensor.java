package dev.negmine.text.weights;

import java.util.Arrays;

/**
 * A named float32 tensor on the host, row-major.
 *
 * @param name parameter name (Hugging Face BERT naming in this module)
 * @param shape dimensions, outermost first
 * @param data values, row-major; length = product of {@code shape}
 */
public record Tensor(String name, long[] shape, float[] data) {
  public Tensor {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " needs " + n
          + " values, got " + data.length);
    }
  }

  /** The transpose of a 2-d tensor, under {@code newName}. */
  public Tensor transposed(String newName) {
    if (shape.length != 2) {
      throw new IllegalArgumentException("tensor " + name + " is not 2-d: " + Arrays.toString(shape));
    }
    int r = (int) shape[0];
    int c = (int) shape[1];
    float[] t = new float[data.length];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        t[j * r + i] = data[i * c + j];
      }
    }
    return new Tensor(newName, new long[] {c, r}, t);
  }
}
