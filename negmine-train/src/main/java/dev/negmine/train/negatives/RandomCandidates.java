package dev.negmine.train.negatives;

import dev.negmine.core.mixer.NegativeSource;
import dev.negmine.train.sampling.Seeds;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random negatives as Pinterest draws them: {@code perStep} distinct training items, uniformly per
 * step and shared by the whole batch, each anchor taking those of another label without repeats;
 * in-batch once they are used up. The items are extra rows of the step (embedded by the current
 * encoder, detached or live as the run says).
 */
final class RandomCandidates implements CandidateSource {
  private static final long STREAM_RANDOM = 11;

  private final int items;
  private final long[] labels;
  private final int perStep;
  private final long seed;
  /** This step's items, as indices among the step's extras. */
  private int[] picked = new int[0];

  RandomCandidates(int items, long[] labels, int perStep, long seed) {
    this.items = items;
    this.labels = labels;
    this.perStep = perStep;
    this.seed = seed;
  }

  @Override
  public NegativeSource kind() {
    return NegativeSource.RANDOM;
  }

  @Override
  public void prepare(StepRequest request) {
    picked = new int[0];
    if (request.mix().count(NegativeSource.RANDOM) == 0) {
      return;
    }
    // distinct items: a partial Fisher-Yates shuffle of the training rows
    SplittableRandom r = new SplittableRandom(Seeds.derive(seed, STREAM_RANDOM, request.step()));
    picked = new int[Math.min(perStep, items)];
    Map<Integer, Integer> swapped = new HashMap<>();
    for (int i = 0; i < picked.length; i++) {
      int k = i + r.nextInt(items - i);
      int vk = swapped.getOrDefault(k, k);
      swapped.put(k, swapped.getOrDefault(i, i));
      picked[i] = request.addExtra(vk);
    }
  }

  @Override
  public AnchorDraw forAnchor(StepView view, int a, AnchorPositives positives, SplittableRandom rnd) {
    int[] extraRows = view.plan().extraRows();
    long label = view.batchLabels()[a];
    int[] items = picked;
    Draw draw = new Draw(items.length, j -> labels[extraRows[items[j]]] != label, j -> true);
    int b = view.batch();
    return r -> {
      int k = draw.take(r);
      if (k < 0) {
        return Pick.FALLBACK;
      }
      int row = b + items[k];
      return Pick.row(row, view.distance(a, row));
    };
  }
}
