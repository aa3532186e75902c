package dev.negmine.train.run;

import dev.negmine.core.io.DataChecks;
import dev.negmine.core.io.NegmineFormatException;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.data.LabeledData;

/**
 * What a training run requires of its data, checked before the run directory is touched: finite
 * features of a magnitude float32 training can hold, features that vary between items (all-zero
 * images leave nothing to learn and standardise to NaN), usable training labels (two classes, some
 * class with two items), finite evaluation data, and matching widths. Each failure is one line naming
 * the data ({@link NegmineFormatException}).
 */
final class RunData {
  private RunData() {}

  static void validate(LabeledData train, LabeledData eval) throws NegmineFormatException {
    check(train);
    // evaluation data: finite and in range; its labels may be degenerate (a small seeded validation
    // split can hold only singletons), which the metrics report as skipped queries
    DataChecks.requireFiniteRows(eval.features(), eval.source());
    DataChecks.requireSafeMagnitude(eval.features(), eval.source());
    if (eval.features().cols() != train.features().cols()) {
      throw new NegmineFormatException(eval.source(), eval.features().cols() + " features per item but the training data ("
          + train.source() + ") has " + train.features().cols());
    }
  }

  /** Largest batch whose B x B similarity matrix fits one Java array. */
  static final int MAX_BATCH = 46_340;

  /** Every phase's batch must have a similarity matrix that fits in memory's largest array. */
  static void requireBatchesFit(dev.negmine.train.TrainConfig config, LabeledData train) {
    for (dev.negmine.train.curriculum.Phase p : config.curriculum().phases()) {
      if (p.batchSize() > MAX_BATCH) {
        throw new IllegalArgumentException("batch size " + p.batchSize() + " (--batch) is too large: its " + p.batchSize()
            + " x " + p.batchSize() + " similarity matrix exceeds one Java array (at most " + MAX_BATCH + "; "
            + train.source() + " has " + train.size() + " items)");
      }
    }
  }

  private static void check(LabeledData d) throws NegmineFormatException {
    FloatMatrix f = d.features();
    DataChecks.requireFiniteRows(f, d.source());
    DataChecks.requireSafeMagnitude(f, d.source());
    DataChecks.requireUsableLabels(d.labels(), d.source());
    float[] x = f.data();
    for (int i = 1; i < x.length; i++) {
      if (x[i] != x[0]) {
        return;
      }
    }
    throw new NegmineFormatException(d.source(), "every value of every item is " + (x.length == 0 ? "missing" : x[0])
        + " (e.g. all-zero images): there is nothing to learn from");
  }
}
