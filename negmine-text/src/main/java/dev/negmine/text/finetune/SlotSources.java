package dev.negmine.text.finetune;

import dev.negmine.core.mixer.MixPlan;
import dev.negmine.core.mixer.MixRatios;
import dev.negmine.core.mixer.NegativeSource;
import dev.negmine.core.mixer.SourceMixer;
import dev.negmine.train.negatives.MixSpec;

/**
 * Which source fills each hard-negative slot of a fine-tuning step: round 1's {@link SourceMixer}
 * (exact shares per step up to rounding, a seeded shuffle of slots, a linear curriculum between
 * two mixes) over the sources a retrieval step has: {@code offline} (the mined candidates),
 * {@code random} (a uniformly random corpus document that is not a positive) and {@code in-batch}
 * (no extra document). The queue is not a slot source here: its rows are negatives of every query
 * ({@code --queue}). Immutable.
 */
final class SlotSources {
  private final SourceMixer mixer;

  private SlotSources(SourceMixer mixer) {
    this.mixer = mixer;
  }

  /**
   * @param rampSteps steps over which {@code mix} becomes {@code mixTo}
   * @return null when {@code mix} is null (every slot offline)
   */
  static SlotSources of(String mix, String mixTo, long rampSteps, long seed) {
    if (mix == null) {
      return null;
    }
    return new SlotSources(new SourceMixer(MixSpec.curriculum(mix, mixTo == null ? mix : mixTo, rampSteps), seed));
  }

  /** The source of every (query, slot) of step {@code step}. */
  MixPlan plan(int queries, int slots, long step) {
    return mixer.plan(queries, slots, step);
  }

  /** @throws IllegalArgumentException naming {@code option} if {@code spec} is not a mix of offline, random and in-batch */
  static void check(String option, String spec) {
    MixRatios r;
    try {
      r = MixSpec.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage());
    }
    for (NegativeSource s : new NegativeSource[] {NegativeSource.QUEUE, NegativeSource.DYNAMIC}) {
      if (r.share(s) > 0) {
        throw new IllegalArgumentException(option + " '" + spec + "': fine-tuning mixes offline, random and in-batch; "
            + MixSpec.name(s) + (s == NegativeSource.QUEUE ? " rows are negatives of every query: give --queue N" : " is not a source of"
            + " fine-tuning yet"));
      }
    }
  }
}
