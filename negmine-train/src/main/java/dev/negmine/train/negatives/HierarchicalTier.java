package dev.negmine.train.negatives;

import dev.negmine.train.sampling.CoarseGroups;

/**
 * The second tier of hierarchical sampling: the memory queue's (larger) candidate set, stratified
 * by a coarse group, so an anchor's queue slots go first to confusable classes (same coarse group,
 * other label) in the semi-hard band, which rarely share a batch; when the anchor has none, the
 * slots fall back to the queue's other candidates as without the tier.
 */
public record HierarchicalTier(CoarseGroups groups) {
  public HierarchicalTier {
    if (groups == null) {
      throw new IllegalArgumentException("a hierarchical tier needs a group map");
    }
  }

  /** True when a candidate with {@code candidateLabel} is preferred for an anchor with {@code anchorLabel}. */
  public boolean prefer(long anchorLabel, long candidateLabel) {
    return candidateLabel != anchorLabel && groups.sameGroup(anchorLabel, candidateLabel);
  }
}
