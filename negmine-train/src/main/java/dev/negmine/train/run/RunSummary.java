package dev.negmine.train.run;

import java.nio.file.Path;
import java.util.Map;

/**
 * The outcome of a run, as written to {@code summary.json}.
 *
 * @param runDir the run directory
 * @param finalMetrics eval metrics after the last epoch
 * @param baselineMetrics the same metrics on the preprocessed raw features
 * @param epochs epochs trained
 * @param steps steps trained
 * @param timing where the time went
 * @param collapse the collapse warning, or null
 * @param stoppedEarly true when --stop-on-collapse ended the run
 */
public record RunSummary(
    Path runDir,
    Map<String, Double> finalMetrics,
    Map<String, Double> baselineMetrics,
    int epochs,
    long steps,
    Timing timing,
    String collapse,
    boolean stoppedEarly) {

  /**
   * Time of a run, in seconds.
   *
   * @param trainLoopSeconds time spent in training steps only (no evaluation, checkpoints,
   *     start-up), summed over the sessions of a resumed run
   * @param wallSeconds wall time of this session
   */
  public record Timing(double trainLoopSeconds, double wallSeconds) {}
}
