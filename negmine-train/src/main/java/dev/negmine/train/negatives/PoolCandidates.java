package dev.negmine.train.negatives;

import dev.negmine.core.mixer.NegativeSource;
import dev.negmine.core.pool.PoolSampler;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Negatives from an offline candidate pool ({@link TrainingPool}: mined by {@code negmine mine} or
 * during training, with expiry and refresh): per anchor a seeded draw of up to as many candidates
 * as it has offline slots ({@link PoolSampler}), keeping those that are training items of another
 * label. Anchors the pool lacks, or whose draw is used up, go in-batch.
 */
final class PoolCandidates implements CandidateSource {
  private final TrainingPool pool;
  private final long[] labels;
  private final long[] ids;
  private final Map<Long, Integer> rowOfId;
  /** This step's draws per anchor, as indices among the step's extras (null: no offline slot). */
  private int[][] drawn = new int[0][];

  PoolCandidates(TrainingPool pool, long[] labels, long[] ids, Map<Long, Integer> rowOfId) {
    this.pool = pool;
    this.labels = labels;
    this.ids = ids;
    this.rowOfId = rowOfId;
  }

  TrainingPool pool() {
    return pool;
  }

  @Override
  public NegativeSource kind() {
    return NegativeSource.OFFLINE;
  }

  @Override
  public void prepare(StepRequest request) {
    int[] rows = request.rows();
    drawn = new int[rows.length][];
    if (request.mix().count(NegativeSource.OFFLINE) == 0) {
      return;
    }
    PoolSampler sampler = pool.sampler(request.step());
    for (int a = 0; a < rows.length; a++) {
      int want = request.wanted(a, NegativeSource.OFFLINE);
      if (want == 0) {
        continue;
      }
      long[] draw = sampler.sampleOne(ids[rows[a]], request.step());
      int[] got = new int[Math.min(want, draw.length)];
      int n = 0;
      for (int j = 0; j < draw.length && n < got.length; j++) {
        Integer row = rowOfId.get(draw[j]);
        if (row != null && labels[row] != labels[rows[a]]) {
          got[n++] = request.addExtra(row);
        }
      }
      drawn[a] = java.util.Arrays.copyOf(got, n);
    }
  }

  @Override
  public AnchorDraw forAnchor(StepView view, int a, AnchorPositives positives, SplittableRandom rnd) {
    int[] mine = drawn[a];
    if (mine == null) {
      return AnchorDraw.FALLBACK;
    }
    int b = view.batch();
    int[] used = {0};
    return r -> {
      if (used[0] >= mine.length) {
        return Pick.FALLBACK;
      }
      int row = b + mine[used[0]++];
      return Pick.row(row, view.distance(a, row));
    };
  }

  int[][] drawn() {
    return drawn;
  }

  /** Pool refresh events since the last call. */
  List<Map<String, Object>> drainEvents() {
    return pool.drainEvents();
  }

  @Override
  public void close() {
    pool.close();
  }
}
