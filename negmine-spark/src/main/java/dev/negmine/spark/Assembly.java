package dev.negmine.spark;

import dev.negmine.core.pool.CandidatePool;
import dev.negmine.core.pool.PoolManifest;
import java.util.Arrays;

/** Appends block results in row order into the pool's arrays, on the driver. Single-threaded. */
final class Assembly {
  long anchors;
  long candidates;
  long dropped;
  long shortAnchors;
  long filteredByScore;
  private long lastBlock = -1;
  private long[] anchorIds = new long[1024];
  private long[] anchorLabels = new long[1024];
  private long[] positiveIds = new long[1024];
  private float[] positiveScores = new float[1024];
  private int[] offsets = new int[1025];
  private long[] candidateIds = new long[1024];
  private long[] candidateLabels = new long[1024];
  private float[] candidateScores = new float[1024];

  void add(BlockResult b) {
    if (b.block <= lastBlock) {
      throw new IllegalStateException("anchor block " + b.block + " after " + lastBlock + ": duplicate or out of order");
    }
    lastBlock = b.block;
    int a = (int) anchors;
    int n = b.anchorIds.length;
    long newCandidates = candidates + b.candidateIds.length;
    if (a + (long) n > Integer.MAX_VALUE - 8 || newCandidates > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("the pool would exceed the format's 2^31 anchors or candidates");
    }
    if (a + n + 1 > offsets.length) {
      int cap = Math.max(offsets.length * 2, a + n + 1);
      anchorIds = Arrays.copyOf(anchorIds, cap);
      anchorLabels = Arrays.copyOf(anchorLabels, cap);
      positiveIds = Arrays.copyOf(positiveIds, cap);
      positiveScores = Arrays.copyOf(positiveScores, cap);
      offsets = Arrays.copyOf(offsets, cap + 1);
    }
    int c = (int) candidates;
    if (newCandidates > candidateIds.length) {
      int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(candidateIds.length * 2L, newCandidates));
      candidateIds = Arrays.copyOf(candidateIds, cap);
      candidateLabels = Arrays.copyOf(candidateLabels, cap);
      candidateScores = Arrays.copyOf(candidateScores, cap);
    }
    System.arraycopy(b.anchorIds, 0, anchorIds, a, n);
    System.arraycopy(b.anchorLabels, 0, anchorLabels, a, n);
    System.arraycopy(b.positiveIds, 0, positiveIds, a, n);
    System.arraycopy(b.positiveScores, 0, positiveScores, a, n);
    for (int i = 0; i < n; i++) {
      offsets[a + i + 1] = offsets[a + i] + b.counts[i];
    }
    System.arraycopy(b.candidateIds, 0, candidateIds, c, b.candidateIds.length);
    System.arraycopy(b.candidateLabels, 0, candidateLabels, c, b.candidateIds.length);
    System.arraycopy(b.candidateScores, 0, candidateScores, c, b.candidateIds.length);
    anchors += n;
    candidates = newCandidates;
    dropped += b.dropped;
    shortAnchors += b.shortAnchors;
    filteredByScore += b.filteredByScore;
  }

  CandidatePool pool(PoolManifest m) {
    int a = (int) anchors;
    int c = (int) candidates;
    return new CandidatePool(m, Arrays.copyOf(anchorIds, a), Arrays.copyOf(anchorLabels, a),
        Arrays.copyOf(positiveIds, a), Arrays.copyOf(positiveScores, a), Arrays.copyOf(offsets, a + 1),
        Arrays.copyOf(candidateIds, c), Arrays.copyOf(candidateLabels, c), Arrays.copyOf(candidateScores, c));
  }
}
