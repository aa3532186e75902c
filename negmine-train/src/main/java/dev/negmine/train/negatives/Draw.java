package dev.negmine.train.negatives;

import java.util.SplittableRandom;

/**
 * An anchor's candidates from one source: the preferred ones (in the semi-hard band) drawn first,
 * uniformly without repeats (a partial Fisher-Yates shuffle), then the other valid ones.
 */
final class Draw {
  private final int[] order;
  private final int preferred;
  private int next;

  Draw(int n, java.util.function.IntPredicate valid, java.util.function.IntPredicate band) {
    int[] a = new int[n];
    int[] rest = new int[n];
    int na = 0;
    int nr = 0;
    for (int j = 0; j < n; j++) {
      if (valid.test(j)) {
        if (band.test(j)) {
          a[na++] = j;
        } else {
          rest[nr++] = j;
        }
      }
    }
    System.arraycopy(rest, 0, a, na, nr);
    this.order = java.util.Arrays.copyOf(a, na + nr);
    this.preferred = na;
  }

  /** The next candidate, or -1 when none is left. */
  int take(SplittableRandom rnd) {
    if (next >= order.length) {
      return -1;
    }
    int end = next < preferred ? preferred : order.length;
    int k = next + rnd.nextInt(end - next);
    int t = order[next];
    order[next] = order[k];
    order[k] = t;
    return order[next++];
  }
}
