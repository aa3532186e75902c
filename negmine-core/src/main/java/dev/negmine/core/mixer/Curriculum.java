package dev.negmine.core.mixer;

/** The source ratios in force at each training step. Implementations are immutable and thread-safe. */
@FunctionalInterface
public interface Curriculum {
  MixRatios at(long step);

  static Curriculum constant(MixRatios r) {
    return step -> r;
  }

  /** {@code from} until {@code startStep}, then linearly to {@code to} at {@code endStep}, then {@code to}. */
  static Curriculum linear(MixRatios from, MixRatios to, long startStep, long endStep) {
    if (endStep < startStep) {
      throw new IllegalArgumentException("endStep < startStep: " + endStep + " < " + startStep);
    }
    return step -> {
      if (step <= startStep) {
        return from;
      }
      if (step >= endStep) {
        return to;
      }
      return from.lerp(to, (double) (step - startStep) / (endStep - startStep));
    };
  }
}
