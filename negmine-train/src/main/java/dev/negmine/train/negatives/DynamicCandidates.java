package dev.negmine.train.negatives;

import dev.negmine.core.mixer.NegativeSource;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Negatives sampled from the softmax over every training item through the dynamic tree index
 * ({@link DynamicSource}); draws with the anchor's label are dropped there. An anchor whose draws
 * are used up goes in-batch.
 */
final class DynamicCandidates implements CandidateSource {
  private final DynamicSource dynamic;
  private DynamicSource.Draws draws;

  DynamicCandidates(DynamicSource dynamic) {
    this.dynamic = dynamic;
  }

  DynamicSource source() {
    return dynamic;
  }

  /** This step's draws, or null when the mixer gave the source no slot. */
  DynamicSource.Draws draws() {
    return draws;
  }

  @Override
  public NegativeSource kind() {
    return NegativeSource.DYNAMIC;
  }

  @Override
  public void prepare(StepRequest request) {
    draws = null;
    if (request.mix().count(NegativeSource.DYNAMIC) == 0) {
      return;
    }
    int[] rows = request.rows();
    int[] want = new int[rows.length];
    for (int a = 0; a < rows.length; a++) {
      want[a] = request.wanted(a, NegativeSource.DYNAMIC);
    }
    draws = dynamic.draw(rows, want, request.step(), request.extraMap());
  }

  @Override
  public AnchorDraw forAnchor(StepView view, int a, AnchorPositives positives, SplittableRandom rnd) {
    if (draws == null || draws.rows[a] == null) {
      return AnchorDraw.FALLBACK;
    }
    int[] mine = draws.rows[a];
    int[] used = {0};
    return r -> {
      if (used[0] >= mine.length) {
        return Pick.FALLBACK;
      }
      int row = mine[used[0]++];
      return Pick.row(row, view.distance(a, row));
    };
  }

  @Override
  public Map<String, Object> stats(long step) {
    return Map.of("dynamic", dynamic.stats());
  }
}
