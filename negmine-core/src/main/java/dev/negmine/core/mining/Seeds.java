package dev.negmine.core.mining;

import java.util.SplittableRandom;

/**
 * Derives independent random streams from a miner's seed, the call's step and a purpose tag, so
 * that every random choice is reproducible and does not depend on thread scheduling (each anchor
 * that draws gets its own stream).
 */
final class Seeds {
  /** Stream tag for row subsampling under {@link MinerConfig#maxTriplets()}. */
  static final long SUBSAMPLE = 0x5ab5a3b1eL;
  /** Stream tag for distance-weighted negative sampling. */
  static final long DISTANCE_WEIGHTED = 0xd157a9ceL;

  private Seeds() {}

  /** A generator for {@code (seed, step, tag, index)}; distinct tuples give unrelated streams. */
  static SplittableRandom stream(long seed, long step, long tag, long index) {
    long h = mix(seed + 0x9e3779b97f4a7c15L);
    h = mix(h ^ step);
    h = mix(h ^ tag);
    h = mix(h ^ index);
    return new SplittableRandom(h);
  }

  /** SplitMix64's finaliser: a bijective avalanche of 64 bits. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
