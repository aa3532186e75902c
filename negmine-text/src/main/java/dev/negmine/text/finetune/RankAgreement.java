package dev.negmine.text.finetune;

import dev.negmine.core.distributed.Collective;
import java.util.Arrays;

/**
 * The check that data-parallel ranks hold the same candidates: the ranks mine on their own, and a
 * step is only one step if they assemble the same batch. Stateless.
 */
final class RankAgreement {
  private RankAgreement() {}

  /** Fails unless every rank of {@code collective} holds the same {@code pool} and {@code trainOn} (one all-gather of a hash). */
  static void check(Collective collective, int[][] pool, int[] trainOn) {
    if (collective.worldSize() == 1) {
      return;
    }
    long h = 1125899906842597L;
    for (int[] c : pool) {
      h = 31 * h + Arrays.hashCode(c);
    }
    h = 31 * h + Arrays.hashCode(trainOn);
    long[] all = collective.allGather(new long[] {h});
    for (long x : all) {
      if (x != h) {
        throw new IllegalStateException("the ranks mined different candidates (hashes " + Arrays.toString(all)
            + "): data-parallel fine-tuning needs identical data, models and threads on every rank");
      }
    }
  }
}
