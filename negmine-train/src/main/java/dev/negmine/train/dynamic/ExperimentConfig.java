package dev.negmine.train.dynamic;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sizes of the dynamic-index experiment. {@code refreshBudget} is the encoder rows per step every
 * index arm may spend keeping its index current: the static index and the stale tree re-encode all
 * targets every {@code ceil(targets / refreshBudget)} steps, the Nyström arms re-encode {@code
 * refreshBudget} landmarks every step (fitting the drift map to the landmarks of the last {@code
 * landmarkWindow} steps, so the map sees {@code landmarkWindow * refreshBudget} landmarks for the
 * encoder cost of {@code refreshBudget} per step), and the arms without an index spend it on extra negatives
 * (uniform) or a larger batch (in-batch).
 */
record ExperimentConfig(
    int targets, int featureDim, int latentDim, int hidden, int embedDim, int clusters, double spread, double queryNoise,
    int steps, int batch, int negatives, int refreshBudget, int staticTop, int evalEvery, int probes,
    int testQueries, double tau, double lr, int rebuildEvery, int rebuildMaxSize, int landmarkWindow, long seed) {

  ExperimentConfig {
    if (targets < 200 || featureDim < 2 || latentDim < 1 || hidden < 2 || embedDim < 2 || clusters < 2 || steps < 1 || batch < 2
        || negatives < 1 || refreshBudget < embedDim + 1 || staticTop < negatives || evalEvery < 1 || probes < 1
        || testQueries < 1 || !(tau > 0) || !(lr > 0) || rebuildEvery < 0 || rebuildMaxSize < 2 || landmarkWindow < 1) {
      throw new IllegalArgumentException("invalid dynamic-index configuration: " + map());
    }
    if (refreshBudget >= targets) {
      throw new IllegalArgumentException("refresh budget " + refreshBudget + " must be below the number of targets " + targets);
    }
  }

  static ExperimentConfig quick(long seed) {
    return new ExperimentConfig(10_000, 32, 8, 128, 32, 200, 0.45, 0.25, 200, 64, 16, 64, 100, 10, 64, 2000,
        0.05, 2e-3, 10, 64, 4, seed);
  }

  static ExperimentConfig full(long seed) {
    return new ExperimentConfig(50_000, 32, 8, 128, 32, 1000, 0.45, 0.25, 800, 64, 16, 256, 100, 10, 128, 5000,
        0.05, 2e-3, 10, 64, 4, seed);
  }

  /** Steps between the static index's full re-encodes. */
  int staticRefreshEvery() {
    return (targets + refreshBudget - 1) / refreshBudget;
  }

  ExperimentConfig withSteps(int s) {
    return new ExperimentConfig(targets, featureDim, latentDim, hidden, embedDim, clusters, spread, queryNoise, s, batch, negatives,
        refreshBudget, staticTop, evalEvery, probes, testQueries, tau, lr, rebuildEvery, rebuildMaxSize, landmarkWindow, seed);
  }

  ExperimentConfig withTargets(int n, int c) {
    return new ExperimentConfig(n, featureDim, latentDim, hidden, embedDim, c, spread, queryNoise, steps, batch, negatives,
        refreshBudget, staticTop, evalEvery, probes, testQueries, tau, lr, rebuildEvery, rebuildMaxSize, landmarkWindow, seed);
  }

  Map<String, Object> map() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("targets", targets);
    m.put("feature_dim", featureDim);
    m.put("latent_dim", latentDim);
    m.put("hidden", hidden);
    m.put("embed_dim", embedDim);
    m.put("clusters", clusters);
    m.put("spread", spread);
    m.put("query_noise", queryNoise);
    m.put("steps", steps);
    m.put("batch", batch);
    m.put("negatives", negatives);
    m.put("refresh_budget_rows_per_step", refreshBudget);
    m.put("static_refresh_every", staticRefreshEvery());
    m.put("static_top", staticTop);
    m.put("eval_every", evalEvery);
    m.put("probes", probes);
    m.put("test_queries", testQueries);
    m.put("tau", tau);
    m.put("lr", lr);
    m.put("rebuild_every_refreshes", rebuildEvery);
    m.put("rebuild_max_subtree", rebuildMaxSize);
    m.put("landmark_window_refreshes", landmarkWindow);
    m.put("seed", seed);
    return m;
  }
}
