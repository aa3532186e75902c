package dev.negmine.core.mixer;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Assigns each (anchor, slot) of a batch to a negative source under a curriculum. Per step the
 * counts follow the ratios exactly up to rounding (largest remainder over anchors x slots), and
 * which slots get which source is a seeded shuffle of (seed, step), so runs replay. Immutable and
 * thread-safe.
 */
public final class SourceMixer {
  private final Curriculum curriculum;
  private final long seed;

  public SourceMixer(Curriculum curriculum, long seed) {
    if (curriculum == null) {
      throw new IllegalArgumentException("curriculum must be set");
    }
    this.curriculum = curriculum;
    this.seed = seed;
  }

  public Curriculum curriculum() {
    return curriculum;
  }

  /** The sources of {@code anchors x slots} negatives at {@code step}. */
  public MixPlan plan(int anchors, int slots, long step) {
    if (anchors < 0 || slots < 1) {
      throw new IllegalArgumentException("need anchors >= 0 and slots >= 1");
    }
    MixRatios r = curriculum.at(step);
    int total = anchors * slots;
    NegativeSource[] values = NegativeSource.values();
    int[] counts = new int[values.length];
    double[] rem = new double[values.length];
    int assigned = 0;
    for (int i = 0; i < values.length; i++) {
      double exact = r.share(values[i]) * total;
      counts[i] = (int) Math.floor(exact);
      rem[i] = exact - counts[i];
      assigned += counts[i];
    }
    while (assigned < total) {
      int best = 0;
      for (int i = 1; i < values.length; i++) {
        if (rem[i] > rem[best]) {
          best = i;
        }
      }
      counts[best]++;
      rem[best] = -1;
      assigned++;
    }
    byte[] src = new byte[total];
    int w = 0;
    for (int i = 0; i < values.length; i++) {
      for (int c = 0; c < counts[i]; c++) {
        src[w++] = (byte) i;
      }
    }
    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
    for (int i = total - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      byte t = src[i];
      src[i] = src[j];
      src[j] = t;
    }
    Map<NegativeSource, Integer> perSource = new EnumMap<>(NegativeSource.class);
    for (int i = 0; i < values.length; i++) {
      perSource.put(values[i], counts[i]);
    }
    return new MixPlan(anchors, slots, src, perSource, r);
  }
}
