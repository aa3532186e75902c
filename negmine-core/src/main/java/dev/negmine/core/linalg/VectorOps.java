package dev.negmine.core.linalg;

import dev.negmine.core.internal.vector.VectorKernels;
import dev.negmine.core.internal.vector.VectorizationProvider;

/**
 * Single-pair vector kernels on raw row-major arrays, through the same vectorization backend as
 * {@link Similarities} ({@link Similarities#backend()}). For code that scores one vector against a
 * few rows at a time (tree indexes, samplers), where building matrices would cost more than the
 * arithmetic. Stateless and thread-safe; no bounds checks beyond the JVM's own.
 */
public final class VectorOps {
  private static final VectorKernels K = VectorizationProvider.get();

  private VectorOps() {}

  /** {@code sum_i a[aOff+i] * b[bOff+i]} for {@code i < len}. */
  public static float dot(float[] a, int aOff, float[] b, int bOff, int len) {
    return K.dot(a, aOff, b, bOff, len);
  }

  /** {@code sum_i (a[aOff+i] - b[bOff+i])^2} for {@code i < len}. */
  public static float squaredDistance(float[] a, int aOff, float[] b, int bOff, int len) {
    return K.squaredDistance(a, aOff, b, bOff, len);
  }

  /** Euclidean distance between two rows, computed from the difference (not the expanded square). */
  public static float distance(float[] a, int aOff, float[] b, int bOff, int len) {
    return (float) Math.sqrt(K.squaredDistance(a, aOff, b, bOff, len));
  }

  /** {@code sum_i a[off+i]^2} for {@code i < len}. */
  public static float sumOfSquares(float[] a, int off, int len) {
    return K.sumOfSquares(a, off, len);
  }
}
