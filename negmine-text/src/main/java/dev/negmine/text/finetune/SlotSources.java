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
 * {@code random} (a uniformly random corpus document that is not a positive), {@code in-batch}
 * (no extra document) and {@code dynamic} (a draw from the dynamic index, {@link DynamicCorpus}). The queue is not a slot source here: its rows are negatives of every query
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

  /**
   * @param dynamic whether the run keeps a dynamic index (a {@code dynamic} share needs one)
   * @throws IllegalArgumentException naming {@code option} if {@code spec} is not a mix of offline, random, in-batch
   *     and (with {@code dynamic}) dynamic
   */
  static void check(String option, String spec, boolean dynamic) {
    MixRatios r;
    try {
      r = MixSpec.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage());
    }
    if (r.share(NegativeSource.QUEUE) > 0) {
      throw new IllegalArgumentException(option + " '" + spec + "': fine-tuning mixes offline, random, in-batch and dynamic; "
          + "queue rows are negatives of every query: give --queue N");
    }
    if (r.share(NegativeSource.DYNAMIC) > 0 && !dynamic) {
      throw new IllegalArgumentException(option + " '" + spec + "': a dynamic share needs the dynamic index: give --negatives dynamic");
    }
  }
}
