package dev.negmine.train.step;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mining.Triplets;
import dev.negmine.train.augment.ImageAugmenter;
import dev.negmine.core.data.LabeledData;
import dev.negmine.train.data.Preprocessing;

/**
 * How a step's rows become encoder input: the training items as they are, one augmented view in
 * place of each batch item (a supervised regulariser), or two augmented views per item whose only
 * positive is each other (SimCLR: labels are item positions, never the data's). Views are pure
 * functions of (seed, step), so resumed runs replay them. Immutable.
 */
public final class StepViews {
  private final LabeledData train;
  private final FloatMatrix trainX;
  private final long[] ids;
  private final Preprocessing preprocessing;
  private final ImageAugmenter augmenter;
  private final boolean selfSupervised;

  /**
   * @param trainX the preprocessed training features
   * @param augmenter image augmentation, or null
   * @param selfSupervised two views per item (needs an augmenter)
   */
  public StepViews(LabeledData train, FloatMatrix trainX, long[] ids, Preprocessing preprocessing,
      ImageAugmenter augmenter, boolean selfSupervised) {
    if (selfSupervised && augmenter == null) {
      throw new IllegalArgumentException("self-supervised views need augmentation");
    }
    this.train = train;
    this.trainX = trainX;
    this.ids = ids;
    this.preprocessing = preprocessing;
    this.augmenter = augmenter;
    this.selfSupervised = selfSupervised;
  }

  public boolean augments() {
    return augmenter != null;
  }

  public boolean selfSupervised() {
    return selfSupervised;
  }

  /**
   * @param rows the batch's training rows
   * @param forward the forward rows (the batch, then any source extras)
   */
  public StepInput inputs(int[] rows, int[] forward, long step) {
    int b = rows.length;
    long[] batchLabels = new long[b];
    for (int i = 0; i < b; i++) {
      batchLabels[i] = train.labels()[rows[i]];
    }
    if (selfSupervised) {
      return twoViews(rows, batchLabels, step);
    }
    FloatMatrix x = trainX.gather(forward);
    if (augmenter != null) {
      // one augmented view replaces each batch item (extra source rows stay as they are)
      FloatMatrix view = preprocessing.apply(augmenter.views(train.features().gather(rows), batchLabels, step, 0));
      System.arraycopy(view.data(), 0, x.data(), 0, view.data().length);
    }
    long[] rowLabels = new long[forward.length];
    long[] rowIds = new long[forward.length];
    for (int i = 0; i < forward.length; i++) {
      rowLabels[i] = train.labels()[forward[i]];
      rowIds[i] = ids[forward[i]];
    }
    return StepInput.mined(x, b, batchLabels, rowLabels, rowIds);
  }

  /** SimCLR: rows i and B + i are the two views of item i, each other's only positive. */
  private StepInput twoViews(int[] rows, long[] batchLabels, long step) {
    int b = rows.length;
    FloatMatrix raw = train.features().gather(rows);
    FloatMatrix v0 = preprocessing.apply(augmenter.unlabelledViews(raw, step, 0));
    FloatMatrix v1 = preprocessing.apply(augmenter.unlabelledViews(raw, step, 1));
    float[] xd = new float[2 * v0.data().length];
    System.arraycopy(v0.data(), 0, xd, 0, v0.data().length);
    System.arraycopy(v1.data(), 0, xd, v0.data().length, v1.data().length);
    long[] viewLabels = new long[2 * b];
    long[] rowLabels = new long[2 * b];
    long[] rowIds = new long[2 * b];
    int[] anchors = new int[b];
    int[] positives = new int[b];
    for (int i = 0; i < b; i++) {
      viewLabels[i] = i;
      viewLabels[b + i] = i;
      anchors[i] = i;
      positives[i] = b + i;
      rowLabels[i] = batchLabels[i];
      rowLabels[b + i] = batchLabels[i];
      rowIds[i] = ids[rows[i]];
      rowIds[b + i] = ids[rows[i]];
    }
    return new StepInput(FloatMatrix.of(2 * b, v0.cols(), xd), b, batchLabels, viewLabels,
        Triplets.of(anchors, positives, positives.clone()), rowLabels, rowIds);
  }
}
