package dev.negmine.train.negatives;

import dev.negmine.core.mixer.NegativeSource;
import java.util.SplittableRandom;

/**
 * Negatives from the current batch: uniformly, without repeats, among the rows of another label
 * whose distance lies in the anchor's semi-hard band ({@link AnchorPositives#inBand}); then,
 * when the band is used up, among the other rows of another label. Also serves every slot another
 * source cannot ({@link Pick#FALLBACK}).
 */
final class InBatchCandidates implements CandidateSource {
  @Override
  public NegativeSource kind() {
    return NegativeSource.IN_BATCH;
  }

  @Override
  public AnchorDraw forAnchor(StepView view, int a, AnchorPositives positives, SplittableRandom rnd) {
    long[] labels = view.batchLabels();
    Draw draw = new Draw(view.batch(), j -> labels[j] != labels[a], j -> positives.inBand(view.dist().get(a, j)));
    return r -> {
      int n = draw.take(r);
      return n < 0 ? Pick.NONE : Pick.row(n, view.dist().get(a, n));
    };
  }
}
