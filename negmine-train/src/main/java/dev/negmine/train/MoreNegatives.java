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

  /** Every strategy off. */
  public static MoreNegatives none() {
    return builder().build();
  }

  /** A builder with every strategy off. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these strategies. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.augment = augment;
    b.selfSupervised = selfSupervised;
    b.groups = groups;
    b.stratifyClasses = stratifyClasses;
    b.stratifyFromGroup = stratifyFromGroup;
    b.tier = tier;
    b.synthetic = synthetic;
    b.siblingBatches = siblingBatches;
    return b;
  }

  public boolean any() {
    return augment != null || stratifyClasses > 0 || tier || synthetic != null || siblingBatches;
  }

  /**
   * Names each strategy; validated once by {@link #build()} (the record's rules). Not thread-safe.
   */
  public static final class Builder {
    private AugmentConfig augment;
    private boolean selfSupervised;
    private CoarseGroups groups;
    private int stratifyClasses;
    private int stratifyFromGroup;
    private boolean tier;
    private SyntheticNegatives synthetic;
    private boolean siblingBatches;

    private Builder() {}

    /** Image augmentation: one augmented view per item, or two with {@link #selfSupervised()}. */
    public Builder augment(AugmentConfig v) {
      augment = v;
      return this;
    }

    /** SimCLR: two augmented views per item, no labels read (needs {@link #augment}). */
    public Builder selfSupervised() {
      selfSupervised = true;
      return this;
    }

    /** The coarse group of each label, for stratified batches, the tier and sibling batches. */
    public Builder groups(CoarseGroups v) {
      groups = v;
      return this;
    }

    /** Stratified batches: {@code classes} classes per batch, {@code fromGroup} of them from one group. */
    public Builder stratify(int classes, int fromGroup) {
      stratifyClasses = classes;
      stratifyFromGroup = fromGroup;
      return this;
    }

    /** Sets whether the memory queue's candidates are stratified by group (the second tier). */
    public Builder tier(boolean v) {
      tier = v;
      return this;
    }

    /** Synthetic hard negatives mixed per anchor; null for none. */
    public Builder synthetic(SyntheticNegatives v) {
      synthetic = v;
      return this;
    }

    /** Sets whether batches are m-per-class over whole coarse groups (excludes {@link #stratify}). */
    public Builder siblingBatches(boolean v) {
      siblingBatches = v;
      return this;
    }

    public MoreNegatives build() {
      return new MoreNegatives(augment, selfSupervised, groups, stratifyClasses, stratifyFromGroup, tier, synthetic,
          siblingBatches);
    }
  }
}
