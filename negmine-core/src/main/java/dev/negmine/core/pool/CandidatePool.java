package dev.negmine.core.pool;

import java.time.Instant;
import java.util.Arrays;

/**
 * Offline-mined negatives: for each anchor (an item id with its label, its positive and the
 * positive's score), a best-first list of candidate negatives (ids, labels, scores). Stored
 * compressed-row style: anchor {@code a}'s candidates are entries {@code [offsets[a],
 * offsets[a+1])}. Immutable once built (arrays are owned by the pool: callers never write them);
 * safe to share between threads.
 */
public final class CandidatePool {
  private final PoolManifest manifest;
  private final long[] anchorIds;
  private final long[] anchorLabels;
  private final long[] positiveIds;
  private final float[] positiveScores;
  private final int[] offsets;
  private final long[] candidateIds;
  private final long[] candidateLabels;
  private final float[] candidateScores;

  /** Takes ownership of the arrays; validates shapes and that offsets are non-decreasing. */
  public CandidatePool(PoolManifest manifest, long[] anchorIds, long[] anchorLabels, long[] positiveIds,
      float[] positiveScores, int[] offsets, long[] candidateIds, long[] candidateLabels, float[] candidateScores) {
    int a = anchorIds.length;
    if (anchorLabels.length != a || positiveIds.length != a || positiveScores.length != a || offsets.length != a + 1) {
      throw new IllegalArgumentException("anchor arrays disagree on the number of anchors (" + a + ")");
    }
    int n = candidateIds.length;
    if (candidateLabels.length != n || candidateScores.length != n || offsets[0] != 0 || offsets[a] != n) {
      throw new IllegalArgumentException("candidate arrays disagree with the offsets (" + n + " candidates)");
    }
    for (int i = 0; i < a; i++) {
      if (offsets[i] > offsets[i + 1]) {
        throw new IllegalArgumentException("offsets decrease at anchor " + i);
      }
    }
    this.manifest = manifest;
    this.anchorIds = anchorIds;
    this.anchorLabels = anchorLabels;
    this.positiveIds = positiveIds;
    this.positiveScores = positiveScores;
    this.offsets = offsets;
    this.candidateIds = candidateIds;
    this.candidateLabels = candidateLabels;
    this.candidateScores = candidateScores;
  }

  public PoolManifest manifest() {
    return manifest;
  }

  /** A copy of this pool with another manifest (e.g. after the writer filled in checksums). */
  public CandidatePool withManifest(PoolManifest m) {
    return new CandidatePool(m, anchorIds, anchorLabels, positiveIds, positiveScores, offsets, candidateIds,
        candidateLabels, candidateScores);
  }

  public int anchors() {
    return anchorIds.length;
  }

  public int candidates() {
    return candidateIds.length;
  }

  public long anchorId(int a) {
    return anchorIds[a];
  }

  public long anchorLabel(int a) {
    return anchorLabels[a];
  }

  public long positiveId(int a) {
    return positiveIds[a];
  }

  public float positiveScore(int a) {
    return positiveScores[a];
  }

  /** Number of candidates of anchor {@code a}. */
  public int count(int a) {
    return offsets[a + 1] - offsets[a];
  }

  /** Id of anchor {@code a}'s {@code r}-th candidate (0 = hardest). */
  public long candidateId(int a, int r) {
    return candidateIds[slot(a, r)];
  }

  public long candidateLabel(int a, int r) {
    return candidateLabels[slot(a, r)];
  }

  public float candidateScore(int a, int r) {
    return candidateScores[slot(a, r)];
  }

  /** Anchor index of an id, or -1 (linear scan the first time; build an index for hot paths). */
  public int indexOf(long anchorId) {
    for (int i = 0; i < anchorIds.length; i++) {
      if (anchorIds[i] == anchorId) {
        return i;
      }
    }
    return -1;
  }

  /** True once {@code now} is at or past the manifest's expiry. */
  public boolean isExpired(Instant now) {
    return !now.isBefore(manifest.expiresAt());
  }

  private int slot(int a, int r) {
    int c = count(a);
    if (r < 0 || r >= c) {
      throw new IndexOutOfBoundsException("candidate " + r + " of anchor " + a + " (" + c + " candidates)");
    }
    return offsets[a] + r;
  }

  // Package-private raw access for the binary writer.
  long[] anchorIdArray() {
    return anchorIds;
  }

  long[] anchorLabelArray() {
    return anchorLabels;
  }

  long[] positiveIdArray() {
    return positiveIds;
  }

  float[] positiveScoreArray() {
    return positiveScores;
  }

  int[] offsetArray() {
    return offsets;
  }

  long[] candidateIdArray() {
    return candidateIds;
  }

  long[] candidateLabelArray() {
    return candidateLabels;
  }

  float[] candidateScoreArray() {
    return candidateScores;
  }

  @Override
  public String toString() {
    return "CandidatePool[" + anchors() + " anchors, " + candidates() + " candidates, expires "
        + manifest.expiresAt() + "]";
  }

  /** Arrays equal (manifests are compared separately). */
  public boolean sameContents(CandidatePool o) {
    return Arrays.equals(anchorIds, o.anchorIds) && Arrays.equals(anchorLabels, o.anchorLabels)
        && Arrays.equals(positiveIds, o.positiveIds) && Arrays.equals(positiveScores, o.positiveScores)
        && Arrays.equals(offsets, o.offsets) && Arrays.equals(candidateIds, o.candidateIds)
        && Arrays.equals(candidateLabels, o.candidateLabels) && Arrays.equals(candidateScores, o.candidateScores);
  }
}
