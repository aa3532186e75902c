package dev.negmine.train.negatives;

import java.util.Map;

/**
 * Receives the negative sources' statistics as they happen (as DJL's {@code TrainingListener} or
 * Caffeine's {@code StatsCounter}): the metrics line, the report and a library user's own code all
 * read them this way. Called on the training thread; keep it quick.
 */
public interface SourceListener {
  /**
   * A step's per-source figures, after its negatives were picked: {@code sources} (per source:
   * count, planned slots, mean similarity, active fraction, loss share, suspected false negatives),
   * {@code mix} (planned shares) and each source's own figures (queue fill and age, dynamic index
   * counters). The map is the step's own; it is not changed afterwards.
   */
  default void onSourceStats(long step, Map<String, Object> stats) {}

  /** A candidate pool was re-mined (synchronously or in the background); the event holds its staleness figures. */
  default void onPoolRefresh(Map<String, Object> event) {}
}
