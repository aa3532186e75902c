package dev.negmine.core.mixer;

import java.util.Map;

/**
 * One step's assignment of negative slots to sources: {@code source(anchor, slot)}. Immutable.
 *
 * @param ratios the ratios the plan was drawn under
 */
public record MixPlan(int anchors, int slots, byte[] sources, Map<NegativeSource, Integer> counts, MixRatios ratios) {
  public MixPlan {
    if (sources.length != anchors * slots) {
      throw new IllegalArgumentException("plan has " + sources.length + " entries for " + anchors + " x " + slots);
    }
    counts = Map.copyOf(counts);
  }

  public NegativeSource source(int anchor, int slot) {
    return NegativeSource.values()[sources[anchor * slots + slot]];
  }

  public int count(NegativeSource s) {
    return counts.getOrDefault(s, 0);
  }
}
