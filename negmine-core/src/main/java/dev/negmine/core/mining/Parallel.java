package dev.negmine.core.mining;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Runs per-anchor work on the common fork-join pool when the batch is large enough to repay the
 * hand-off. Callers write each anchor's results to slots owned by that anchor only, so the output
 * is identical whatever the number of threads or the order in which anchors run.
 */
final class Parallel {
  /** Below this many score entries a batch runs on the calling thread (the split costs more). */
  static final long MIN_PARALLEL_ENTRIES = 1L << 16;

  private Parallel() {}

  /** Calls {@code body} once for every anchor in {@code [0, anchors)}, in any order and thread. */
  static void forEachAnchor(int anchors, int refs, IntConsumer body) {
    if ((long) anchors * refs < MIN_PARALLEL_ENTRIES || anchors < 2) {
      for (int i = 0; i < anchors; i++) {
        body.accept(i);
      }
      return;
    }
    // chunks of anchors keep the per-task overhead small against a row's work
    int chunk = Math.max(1, Math.min(64, anchors / 32));
    int chunks = (anchors + chunk - 1) / chunk;
    IntStream.range(0, chunks).parallel().forEach(c -> {
      int end = Math.min(anchors, (c + 1) * chunk);
      for (int i = c * chunk; i < end; i++) {
        body.accept(i);
      }
    });
  }
}
