package dev.negmine.train.run;

import dev.negmine.train.monitor.BatchStats;
import java.util.Map;

/** Progress callbacks of a {@link TrainingRun}, called on the training thread. */
public interface RunListener {
  /** Training starts (or resumes) at {@code startStep} of {@code totalSteps}. */
  default void onStart(long startStep, long totalSteps) {}

  default void onStep(BatchStats stats) {}

  /** Evaluation after {@code epoch} (1-based count of finished epochs; 0 = before training). */
  default void onEval(int epoch, long step, Map<String, Double> metrics) {}

  default void onWarning(String message) {}

  /** A step's negative-source figures (see {@link dev.negmine.train.negatives.SourceListener#onSourceStats}). */
  default void onSourceStats(long step, Map<String, Object> stats) {}

  /** A candidate pool was re-mined; the event holds its staleness figures. */
  default void onPoolRefresh(Map<String, Object> event) {}

  default void onFinish() {}

  RunListener NONE = new RunListener() {};
}
