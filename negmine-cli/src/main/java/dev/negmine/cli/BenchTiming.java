package dev.negmine.cli;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/** Timing loop and seeded data shared by the {@code bench} subcommands. */
final class BenchTiming {
  private BenchTiming() {}

  record Stats(double median, double min, int runs) {}

  static Stats measure(double minTime, Supplier<Object> task) {
    long warmEnd = System.nanoTime() + (long) (Math.max(0.5, minTime / 2) * 1e9);
    int warm = 0;
    Object sink = null;
    while (warm < 3 || System.nanoTime() < warmEnd) {
      sink = task.get();
      warm++;
    }
    List<Double> ms = new ArrayList<>();
    long end = System.nanoTime() + (long) (minTime * 1e9);
    while (ms.size() < 5 || (System.nanoTime() < end && ms.size() < 200)) {
      long t0 = System.nanoTime();
      sink = task.get();
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    if (sink == null) {
      throw new IllegalStateException("benchmark produced nothing");
    }
    double[] a = ms.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    double median = a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    return new Stats(median, a[0], a.length);
  }

  static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }

  static FloatMatrix randomUnit(int rows, int dim, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] d = new float[rows * dim];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) r.nextGaussian();
    }
    return Similarities.normalizeRows(FloatMatrix.of(rows, dim, d));
  }

  /**
   * Times several cases in alternation (a, b, a, b, ...) after a warm-up of each, for at least
   * {@code minTime} seconds per case and 5 runs; returns {median, min, runs} per case, in ms.
   */
  static double[][] measureAlternating(double minTime, Runnable... cases) {
    long warmEnd = System.nanoTime() + (long) (Math.max(0.5, minTime / 2) * 1e9);
    int warm = 0;
    while (warm < 3 || System.nanoTime() < warmEnd) {
      for (Runnable c : cases) {
        c.run();
      }
      warm++;
    }
    List<List<Double>> ms = new ArrayList<>();
    for (int i = 0; i < cases.length; i++) {
      ms.add(new ArrayList<>());
    }
    long end = System.nanoTime() + (long) (minTime * cases.length * 1e9);
    while (ms.get(0).size() < 5 || (System.nanoTime() < end && ms.get(0).size() < 200)) {
      for (int i = 0; i < cases.length; i++) {
        long t0 = System.nanoTime();
        cases[i].run();
        ms.get(i).add((System.nanoTime() - t0) / 1e6);
      }
    }
    double[][] out = new double[cases.length][];
    for (int i = 0; i < cases.length; i++) {
      double[] a = ms.get(i).stream().mapToDouble(Double::doubleValue).toArray();
      Arrays.sort(a);
      double median = a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
      out[i] = new double[] {median, a[0], a.length};
    }
    return out;
  }

  /**
   * CPU seconds used so far by this process (all threads), or NaN where the JVM does not say: next
   * to a wall time it shows how much of it the cores shared with other work took away.
   */
  static double processCpuSeconds() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      long ns = os.getProcessCpuTime();
      return ns < 0 ? Double.NaN : ns / 1e9;
    }
    return Double.NaN;
  }

  /** The one-minute system load average (runnable threads), or -1 where unavailable. */
  static double loadAverage() {
    return round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }
}
