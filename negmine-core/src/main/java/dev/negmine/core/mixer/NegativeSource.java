package dev.negmine.core.mixer;

/** Where an anchor's negative comes from. */
public enum NegativeSource {
  /** A uniformly random item of another label. */
  RANDOM,
  /** Mined from the current batch. */
  IN_BATCH,
  /** Mined from the memory queue. */
  QUEUE,
  /** Drawn from the offline candidate pool. */
  OFFLINE,
  /**
   * Sampled from the softmax over a dynamic tree index of every item's embedding, kept current
   * by Nyström drift from re-encoded landmarks.
   */
  DYNAMIC
}
