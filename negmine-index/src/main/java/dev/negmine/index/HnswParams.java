package dev.negmine.index;

/**
 * HNSW settings.
 *
 * @param m maximum neighbours per node on the upper layers (layer 0 keeps 2m), default 32
 * @param efConstruction beam width while building, default 200
 * @param ef beam width while searching (at least k is used), default 256
 * @param seed seed of the level assignment; with one build thread the graph is reproducible,
 *     with more the insertion order races and the graph varies run to run
 * @param buildThreads threads inserting nodes (default: available processors)
 */
public record HnswParams(int m, int efConstruction, int ef, long seed, int buildThreads) {
  public HnswParams {
    if (m < 2 || m > 512) {
      throw new IllegalArgumentException("hnsw m must be in [2, 512], got " + m);
    }
    if (efConstruction < 1 || efConstruction > 4096) {
      throw new IllegalArgumentException("efConstruction must be in [1, 4096], got " + efConstruction);
    }
    if (ef < 1 || ef > 100_000) {
      throw new IllegalArgumentException("ef must be in [1, 100000], got " + ef);
    }
    if (buildThreads < 1) {
      throw new IllegalArgumentException("buildThreads must be >= 1, got " + buildThreads);
    }
  }

  /** M=32, efConstruction=200, ef=256, seed 42, one build thread per processor. */
  public static HnswParams defaults() {
    return new HnswParams(32, 200, 256, 42, Runtime.getRuntime().availableProcessors());
  }

  public HnswParams withEf(int newEf) {
    return new HnswParams(m, efConstruction, newEf, seed, buildThreads);
  }

  public HnswParams withBuildThreads(int threads) {
    return new HnswParams(m, efConstruction, ef, seed, threads);
  }
}
