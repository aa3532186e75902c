package dev.negmine.core.mixer;

/** Where an anchor's negative comes from. Issue 5 adds a dynamic (tree index) source. */
public enum NegativeSource {
  /** A uniformly random item of another label. */
  RANDOM,
  /** Mined from the current batch. */
  IN_BATCH,
  /** Mined from the memory queue. */
  QUEUE,
  /** Drawn from the offline candidate pool. */
  OFFLINE
}
