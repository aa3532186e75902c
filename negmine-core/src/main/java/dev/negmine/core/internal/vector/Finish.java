package dev.negmine.core.internal.vector;

/**
 * How a block kernel turns a raw dot product {@code s} between row {@code i} and column {@code j}
 * into the stored score, given a per-row factor {@code r_i} and a per-column factor {@code c_j}.
 * Keeping the finish inside the kernel lets it run on values still in registers.
 */
public enum Finish {
  /** {@code s}; the factors are ignored and may be null. */
  RAW,
  /** {@code s * (r_i * c_j)}: cosine when the factors are inverse norms. */
  SCALED,
  /** {@code max(0, (r_i + c_j) - 2s)}: squared L2 when the factors are squared norms. */
  SQUARED_L2,
  /** {@code sqrt(max(0, (r_i + c_j) - 2s))}: L2 when the factors are squared norms. */
  L2;

  /**
   * The scalar finish. Every backend's vector path computes the same expression in the same order
   * (factor product or sum first), so that scores do not depend on where a tile edge falls.
   */
  public float apply(float s, float r, float c) {
    return switch (this) {
      case RAW -> s;
      case SCALED -> s * (r * c);
      case SQUARED_L2 -> Math.max(0f, Math.fma(-2f, s, r + c));
      case L2 -> (float) Math.sqrt(Math.max(0f, Math.fma(-2f, s, r + c)));
    };
  }
}
