package dev.negmine.text.finetune;

import dev.negmine.core.mixer.MixPlan;
import dev.negmine.core.mixer.NegativeSource;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One query's negatives for one step: a seeded choice among its mined candidates (or its
 * dynamic-index draws), or, under a mix, mined ones for its {@code offline} slots, draws for its
 * {@code dynamic} slots and random ones for its {@code random} slots ({@code in-batch} slots add none). Short lists are topped up with random corpus documents that
 * are not the query's positives. The draws come from the step's random stream in a fixed order,
 * so a step is a function of the seed and the step. Stateless apart from its inputs.
 */
final class SlotNegatives {
  /** Random draws tried before giving up on finding a non-positive document. */
  private static final int MAX_TRIES = 1000;

  private final TrainingQueries queries;
  private final int corpusSize;

  SlotNegatives(TrainingQueries queries, int corpusSize) {
    this.queries = queries;
    this.corpusSize = corpusSize;
  }

  /** {@code h} negatives of query {@code q}: a seeded choice among {@code candidates}, topped up at random. */
  int[] pick(int q, int[] candidates, int h, SplittableRandom rnd) {
    int[] out = new int[h];
    int n = 0;
    if (candidates.length <= h) {
      for (int c : candidates) {
        out[n++] = c;
      }
    } else {
      int[] idx = candidates.clone();
      for (int i = 0; i < h; i++) {
        int j = i + rnd.nextInt(idx.length - i);
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        out[n++] = idx[i];
      }
    }
    topUp(q, out, n, rnd);
    return out;
  }

  /**
   * Query {@code q}'s negatives when {@code mix} assigns its slots (it is row {@code anchor} of the
   * plan): mined ones for its offline slots, then its dynamic-index draws ({@code drawn}, null
   * without an index) for its dynamic slots, then random ones; a short source is topped up at random.
   */
  int[] mixed(int q, int[] candidates, int[] drawn, MixPlan mix, int anchor, SplittableRandom rnd) {
    int offline = 0;
    int dynamic = 0;
    int random = 0;
    for (int j = 0; j < mix.slots(); j++) {
      NegativeSource s = mix.source(anchor, j);
      if (s == NegativeSource.OFFLINE) {
        offline++;
      } else if (s == NegativeSource.DYNAMIC) {
        dynamic++;
      } else if (s == NegativeSource.RANDOM) {
        random++;
      }
    }
    int[] out = Arrays.copyOf(pick(q, candidates, offline, rnd), offline + dynamic + random);
    if (dynamic > 0) {
      System.arraycopy(pick(q, drawn, dynamic, rnd), 0, out, offline, dynamic);
    }
    topUp(q, out, offline + dynamic, rnd);
    return out;
  }

  /** Fills {@code out[n..]} with random documents that are not {@code q}'s positives. */
  private void topUp(int q, int[] out, int n, SplittableRandom rnd) {
    for (int tries = 0; n < out.length && tries < MAX_TRIES; tries++) {
      int d = rnd.nextInt(corpusSize);
      if (!queries.isPositive(q, d)) {
        out[n++] = d;
      }
    }
    if (n < out.length) {
      throw new IllegalStateException("query " + queries.ids().get(q) + ": no document in the corpus is not one of its positives");
    }
  }
}
