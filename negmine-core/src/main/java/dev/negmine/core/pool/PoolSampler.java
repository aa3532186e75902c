package dev.negmine.core.pool;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Draws negatives for a training batch from a pool: per anchor up to {@code perAnchor} distinct
 * candidates (a partial Fisher-Yates shuffle, so no repeats within an anchor's draw), chosen from
 * the anchor's candidate list uniformly, seeded by (seed, step, anchor id) so a run replays.
 * Immutable and thread-safe.
 */
public final class PoolSampler {
  private final CandidatePool pool;
  private final int perAnchor;
  private final long seed;
  private final Map<Long, Integer> byId;

  /**
   * @param perAnchor candidates per anchor per batch, 1..64 (2-4 is the usual practice)
   */
  public PoolSampler(CandidatePool pool, int perAnchor, long seed) {
    if (perAnchor < 1 || perAnchor > 64) {
      throw new IllegalArgumentException("perAnchor must be in [1, 64], got " + perAnchor);
    }
    this.pool = pool;
    this.perAnchor = perAnchor;
    this.seed = seed;
    this.byId = new HashMap<>(pool.anchors() * 2);
    for (int a = 0; a < pool.anchors(); a++) {
      byId.put(pool.anchorId(a), a);
    }
  }

  public CandidatePool pool() {
    return pool;
  }

  /**
   * Candidate ids for each batch anchor: {@code out[i]} has min(perAnchor, candidates) distinct
   * ids, or none when the anchor is not in the pool.
   */
  public long[][] sample(long[] anchorIds, long step) {
    long[][] out = new long[anchorIds.length][];
    for (int i = 0; i < anchorIds.length; i++) {
      out[i] = sampleOne(anchorIds[i], step);
    }
    return out;
  }

  /** One anchor's draw (see {@link #sample}). */
  public long[] sampleOne(long anchorId, long step) {
    Integer a = byId.get(anchorId);
    if (a == null) {
      return new long[0];
    }
    int c = pool.count(a);
    int n = Math.min(perAnchor, c);
    SplittableRandom r = new SplittableRandom(mix(seed, step, anchorId));
    int[] order = new int[c];
    for (int j = 0; j < c; j++) {
      order[j] = j;
    }
    long[] out = new long[n];
    for (int j = 0; j < n; j++) {
      int k = j + r.nextInt(c - j);
      int t = order[j];
      order[j] = order[k];
      order[k] = t;
      out[j] = pool.candidateId(a, order[j]);
    }
    return out;
  }

  private static long mix(long seed, long step, long id) {
    long h = seed * 0x9E3779B97F4A7C15L + step;
    h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L + id;
    return h ^ (h >>> 29);
  }
}
