package dev.negmine.train.dynamic;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sizes of the dynamic-index experiment, in five groups and a seed. {@code refreshBudget} is the
 * encoder rows per step every index arm may spend keeping its index current: the static index and
 * the stale tree re-encode all targets every {@code ceil(targets / refreshBudget)} steps, the
 * Nyström arms re-encode {@code refreshBudget} landmarks every step (fitting the drift map to the
 * landmarks of the last {@code landmarkWindow} steps, so the map sees {@code landmarkWindow *
 * refreshBudget} landmarks for the encoder cost of {@code refreshBudget} per step), and the arms
 * without an index spend it on extra negatives (uniform) or a larger batch (in-batch). The
 * accessors of the groups' fields are repeated here for the experiment's code.
 */
record ExperimentConfig(Corpus corpus, Model model, Training training, Evaluation evaluation, Upkeep upkeep, long seed) {

  /** The synthetic corpus: see {@link RetrievalTask}. */
  record Corpus(int targets, int featureDim, int latentDim, int clusters, double spread, double queryNoise) {}

  /** Each tower's MLP ({@code featureDim -> hidden -> embedDim}), softmax temperature and Adam's step size. */
  record Model(int hidden, int embedDim, double tau, double lr) {}

  /** Steps, queries per step, negatives per query, the refresh budget and the static index's top list. */
  record Training(int steps, int batch, int negatives, int refreshBudget, int staticTop) {}

  /** Probe figures every {@code evalEvery} steps on {@code probes} queries; test recall on {@code testQueries}. */
  record Evaluation(int evalEvery, int probes, int testQueries) {}

  /** Tree rebuilds (every {@code rebuildEvery} refreshes, subtrees up to {@code rebuildMaxSize}) and the landmark window. */
  record Upkeep(int rebuildEvery, int rebuildMaxSize, int landmarkWindow) {}

  ExperimentConfig {
    if (corpus.targets() < 200 || corpus.featureDim() < 2 || corpus.latentDim() < 1 || model.hidden() < 2 || model.embedDim() < 2
        || corpus.clusters() < 2 || training.steps() < 1 || training.batch() < 2 || training.negatives() < 1
        || training.refreshBudget() < model.embedDim() + 1 || training.staticTop() < training.negatives()
        || evaluation.evalEvery() < 1 || evaluation.probes() < 1 || evaluation.testQueries() < 1 || !(model.tau() > 0)
        || !(model.lr() > 0) || upkeep.rebuildEvery() < 0 || upkeep.rebuildMaxSize() < 2 || upkeep.landmarkWindow() < 1) {
      throw new IllegalArgumentException("invalid dynamic-index configuration: " + map(corpus, model, training, evaluation, upkeep, seed));
    }
    if (training.refreshBudget() >= corpus.targets()) {
      throw new IllegalArgumentException("refresh budget " + training.refreshBudget() + " must be below the number of targets "
          + corpus.targets());
    }
  }

  static ExperimentConfig quick(long seed) {
    return new ExperimentConfig(new Corpus(10_000, 32, 8, 200, 0.45, 0.25), new Model(128, 32, 0.05, 2e-3),
        new Training(200, 64, 16, 64, 100), new Evaluation(10, 64, 2000), new Upkeep(10, 64, 4), seed);
  }

  static ExperimentConfig full(long seed) {
    return new ExperimentConfig(new Corpus(50_000, 32, 8, 1000, 0.45, 0.25), new Model(128, 32, 0.05, 2e-3),
        new Training(800, 64, 16, 256, 100), new Evaluation(10, 128, 5000), new Upkeep(10, 64, 4), seed);
  }

  /** Steps between the static index's full re-encodes. */
  int staticRefreshEvery() {
    return (targets() + refreshBudget() - 1) / refreshBudget();
  }

  ExperimentConfig withSteps(int s) {
    Training t = training;
    return new ExperimentConfig(corpus, model, new Training(s, t.batch(), t.negatives(), t.refreshBudget(), t.staticTop()),
        evaluation, upkeep, seed);
  }

  ExperimentConfig withTargets(int n, int clusters) {
    Corpus c = corpus;
    return new ExperimentConfig(new Corpus(n, c.featureDim(), c.latentDim(), clusters, c.spread(), c.queryNoise()), model,
        training, evaluation, upkeep, seed);
  }

  int targets() {
    return corpus.targets();
  }

  int featureDim() {
    return corpus.featureDim();
  }

  int latentDim() {
    return corpus.latentDim();
  }

  int clusters() {
    return corpus.clusters();
  }

  double spread() {
    return corpus.spread();
  }

  double queryNoise() {
    return corpus.queryNoise();
  }

  int hidden() {
    return model.hidden();
  }

  int embedDim() {
    return model.embedDim();
  }

  double tau() {
    return model.tau();
  }

  double lr() {
    return model.lr();
  }

  int steps() {
    return training.steps();
  }

  int batch() {
    return training.batch();
  }

  int negatives() {
    return training.negatives();
  }

  int refreshBudget() {
    return training.refreshBudget();
  }

  int staticTop() {
    return training.staticTop();
  }

  int evalEvery() {
    return evaluation.evalEvery();
  }

  int probes() {
    return evaluation.probes();
  }

  int testQueries() {
    return evaluation.testQueries();
  }

  int rebuildEvery() {
    return upkeep.rebuildEvery();
  }

  int rebuildMaxSize() {
    return upkeep.rebuildMaxSize();
  }

  int landmarkWindow() {
    return upkeep.landmarkWindow();
  }

  /** The configuration as JSON-ready key/value pairs (the report's {@code config}). */
  Map<String, Object> map() {
    return map(corpus, model, training, evaluation, upkeep, seed);
  }

  private static Map<String, Object> map(Corpus c, Model mo, Training t, Evaluation e, Upkeep u, long seed) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("targets", c.targets());
    m.put("feature_dim", c.featureDim());
    m.put("latent_dim", c.latentDim());
    m.put("hidden", mo.hidden());
    m.put("embed_dim", mo.embedDim());
    m.put("clusters", c.clusters());
    m.put("spread", c.spread());
    m.put("query_noise", c.queryNoise());
    m.put("steps", t.steps());
    m.put("batch", t.batch());
    m.put("negatives", t.negatives());
    m.put("refresh_budget_rows_per_step", t.refreshBudget());
    m.put("static_refresh_every", t.refreshBudget() > 0 ? (c.targets() + t.refreshBudget() - 1) / t.refreshBudget() : null);
    m.put("static_top", t.staticTop());
    m.put("eval_every", e.evalEvery());
    m.put("probes", e.probes());
    m.put("test_queries", e.testQueries());
    m.put("tau", mo.tau());
    m.put("lr", mo.lr());
    m.put("rebuild_every_refreshes", u.rebuildEvery());
    m.put("rebuild_max_subtree", u.rebuildMaxSize());
    m.put("landmark_window_refreshes", u.landmarkWindow());
    m.put("seed", seed);
    return m;
  }
}
