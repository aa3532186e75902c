package dev.negmine.train;

import dev.negmine.train.augment.AugmentConfig;
import dev.negmine.train.negatives.SyntheticNegatives;
import dev.negmine.train.sampling.CoarseGroups;

/**
 * Strategies for more and better negatives per anchor (augmentation, stratified batches, queue tier, MoCHi), all optional (null / 0 / false
 * = off). Part of {@link TrainConfig}.
 *
 * @param augment image augmentation; with {@code selfSupervised} two views per item (SimCLR),
 *     otherwise one augmented view replaces each batch item (a regulariser for supervised runs)
 * @param selfSupervised SimCLR: no labels are read for training; the two views of an item are the
 *     only positives and every other view a negative (NT-Xent: the InfoNCE loss, symmetric)
 * @param groups coarse group per label, for the stratified sampler and the hierarchical tier
 * @param stratifyClasses classes per batch of the stratified sampler (0 = the trainer's own sampler)
 * @param stratifyFromGroup how many of those classes come from the batch's coarse group
 * @param tier stratify the memory queue's candidates by group (the second tier)
 * @param synthetic synthetic hard negatives mixed per anchor (needs negative sources)
 * @param siblingBatches m-per-class batches made of whole coarse groups (sibling classes together,
 *     {@link dev.negmine.train.sampling.BatchSampler#siblings}); excludes {@code stratifyClasses}
 */
public record MoreNegatives(AugmentConfig augment, boolean selfSupervised, CoarseGroups groups, int stratifyClasses,
    int stratifyFromGroup, boolean tier, SyntheticNegatives synthetic, boolean siblingBatches) {
  /** Without sibling batches. */
  public MoreNegatives(AugmentConfig augment, boolean selfSupervised, CoarseGroups groups, int stratifyClasses,
      int stratifyFromGroup, boolean tier, SyntheticNegatives synthetic) {
    this(augment, selfSupervised, groups, stratifyClasses, stratifyFromGroup, tier, synthetic, false);
  }

  public MoreNegatives {
    if (siblingBatches && (groups == null || stratifyClasses > 0 || selfSupervised)) {
      throw new IllegalArgumentException("sibling batches need a group map and exclude stratified and self-supervised batches");
    }
    if (selfSupervised && augment == null) {
      throw new IllegalArgumentException("self-supervised training (simclr) needs augmentation");
    }
    if ((stratifyClasses > 0 || tier) && groups == null) {
      throw new IllegalArgumentException("stratified batches and the hierarchical tier need a group map (--groups)");
    }
    if (stratifyClasses < 0 || (stratifyClasses > 0 && (stratifyFromGroup < 1 || stratifyFromGroup > stratifyClasses))) {
      throw new IllegalArgumentException("stratified sampling: classes per batch " + stratifyClasses
          + " and classes from the group " + stratifyFromGroup + " are inconsistent");
    }
  }

  public static MoreNegatives none() {
    return new MoreNegatives(null, false, null, 0, 0, false, null);
  }

  public boolean any() {
    return augment != null || stratifyClasses > 0 || tier || synthetic != null || siblingBatches;
  }
}
