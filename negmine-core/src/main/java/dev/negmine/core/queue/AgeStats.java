package dev.negmine.core.queue;

/**
 * Ages in training steps of the rows a queue holds; all zero (and {@code count} 0) when empty.
 *
 * @param count rows measured
 * @param min youngest row's age
 * @param mean mean age
 * @param max oldest row's age
 */
public record AgeStats(int count, long min, double mean, long max) {
  public AgeStats {
    if (count < 0 || (count > 0 && (min > max || mean < min || mean > max))) {
      throw new IllegalArgumentException("inconsistent ages: count=" + count + " min=" + min + " mean=" + mean + " max=" + max);
    }
  }
}
