package dev.negmine.train.curriculum;

import java.util.List;

/**
 * A schedule of miner, margin, batch size and learning rate over training, as phases that switch at
 * epoch boundaries (a switch inside an epoch would change the batch size mid-epoch and make step
 * numbers depend on history). Immutable.
 *
 * @param recipe the recipe name this schedule was made from
 * @param epochs total epochs
 * @param phases phases by increasing start epoch; the first starts at epoch 0
 */
public record Curriculum(String recipe, int epochs, List<Phase> phases) {
  public Curriculum {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
    }
    phases = List.copyOf(phases);
    if (phases.isEmpty() || phases.get(0).startEpoch() != 0) {
      throw new IllegalArgumentException("a curriculum needs a first phase starting at epoch 0");
    }
    for (int i = 1; i < phases.size(); i++) {
      if (phases.get(i).startEpoch() <= phases.get(i - 1).startEpoch()) {
        throw new IllegalArgumentException("phase start epochs must increase: " + phases);
      }
    }
  }

  /** The phase in force during {@code epoch}. */
  public Phase at(int epoch) {
    Phase p = phases.get(0);
    for (Phase q : phases) {
      if (q.startEpoch() <= epoch) {
        p = q;
      }
    }
    return p;
  }
}
