package dev.negmine.train.dynamic;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The experiment behind {@code negmine bench dynamic-index}: Monath et al.'s comparison of negative
 * sources for a dual encoder trained with sampled softmax, at equal encoder budget, on the seeded
 * clustered corpus of {@link RetrievalTask}. See {@link ArmRun} for one arm and {@link
 * ExperimentConfig} for the budget rule. The result is a JSON-ready map (per-arm figures and
 * series, ratios, throughput, acceptance checks); writing reports is the caller's business.
 * Single-threaded apart from the core kernels it calls.
 */
public final class DynamicIndexExperiment {
  private final ExperimentConfig config;
  private final List<Arm> arms;

  private DynamicIndexExperiment(ExperimentConfig config, List<Arm> arms) {
    this.config = config;
    this.arms = arms;
  }

  /** A builder: the full preset at seed 1 with every arm, unless told otherwise. */
  public static Builder builder() {
    return new Builder();
  }

  /** Chooses the preset, seed, arms and size overrides; validated at {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private boolean quick;
    private long seed = 1;
    private List<String> armKeys;
    private Integer steps;
    private Integer targets;

    private Builder() {}

    /** The quick preset (10k targets, 200 steps, 64 landmarks per step) instead of the full one (50k, 800, 256). */
    public Builder quick(boolean quick) {
      this.quick = quick;
      return this;
    }

    /** Seed of data, weights and sampling. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Arms to run, by key ({@code in_batch, uniform, static, tree_stale, nystrom_brute_force, tree_nystrom, oracle}). */
    public Builder arms(List<String> keys) {
      this.armKeys = List.copyOf(keys);
      return this;
    }

    /** Training steps per arm, replacing the preset's. */
    public Builder steps(int steps) {
      this.steps = steps;
      return this;
    }

    /** Number of targets, replacing the preset's; the clusters scale with it (targets / 50). */
    public Builder targets(int targets) {
      this.targets = targets;
      return this;
    }

    /** @throws IllegalArgumentException naming an unknown arm or an invalid size */
    public DynamicIndexExperiment build() {
      ExperimentConfig c = quick ? ExperimentConfig.quick(seed) : ExperimentConfig.full(seed);
      if (steps != null) {
        c = c.withSteps(steps);
      }
      if (targets != null) {
        c = c.withTargets(targets, Math.max(2, targets / 50));
      }
      List<Arm> a = armKeys == null ? List.of(Arm.values()) : armKeys.stream().map(Arm::parse).toList();
      return new DynamicIndexExperiment(c, a);
    }
  }

  /** Runs every arm; progress lines go to {@code log} (null = silent). Returns the JSON-ready result. */
  public Map<String, Object> run(PrintStream log, Map<String, Object> provenance) {
    ExperimentConfig c = config;
    RetrievalTask task = new RetrievalTask(c.targets(), c.featureDim(), c.latentDim(), c.clusters(), c.spread(), c.queryNoise(), c.seed());
    SplittableRandom pr = new SplittableRandom(c.seed() * 13 + 5);
    int[] probeTargets = new int[c.probes()];
    for (int i = 0; i < probeTargets.length; i++) {
      probeTargets[i] = pr.nextInt(c.targets());
    }
    FloatMatrix probeX = task.queries(probeTargets, pr);
    Map<String, Object> armOut = new LinkedHashMap<>();
    Map<String, Object> throughput = null;
    for (Arm arm : arms) {
      ArmRun run = new ArmRun(arm, c, task, probeX, probeTargets);
      int[] lastPct = {-1};
      Map<String, Object> summary = run.run((a, done, total) -> {
        int pct = 100 * done / total;
        if (log != null && pct / 25 != lastPct[0] / 25) {
          lastPct[0] = pct;
          log.printf(Locale.ROOT, "[dynamic-index] %s: %d/%d steps%n", a.key, done, total);
        }
      });
      summary.put("series", run.series);
      armOut.put(arm.key, summary);
      if (log != null) {
        log.printf(Locale.ROOT, "[dynamic-index] %s: mean TV %.4f, grad rel err %.4f, recall@10 %.4f, %.1f s%n", arm.key,
            summary.get("mean_tv"), summary.get("mean_grad_rel_error"), summary.get("test_recall@10"), summary.get("wall_s"));
      }
      if (arm == Arm.TREE_NYSTROM) {
        // throughput on the trained arm's final encodings, probes as queries
        FloatMatrix vecs = run.index().vectors();
        FloatMatrix q = Similarities.normalizeRows(run.encodeQueries(probeX));
        throughput = Throughput.measure(vecs, q, c.tau(), c.negatives(), 100, 5);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("config", c.map());
    out.put("corpus", "seeded clustered synthetic: " + c.targets() + " targets around " + c.clusters()
        + " Gaussian centres in a latent R^" + c.latentDim() + "; target features tanh(B z), query features tanh(A z) + noise, in R^" + c.featureDim());
    out.put("encoder", "per tower MLP " + c.featureDim() + "->" + c.hidden() + "(relu)->" + c.embedDim()
        + ", unit-normalised, plain Java with hand-written gradients and Adam");
    out.put("arms", armOut);
    Double tvRatio = ratio(armOut, Arm.TREE_NYSTROM, Arm.STATIC, "mean_tv");
    out.put("tv_ratio_vs_static", tvRatio);
    Double floats = ratio(armOut, Arm.ORACLE, Arm.TREE_NYSTROM, "floats_current_per_step");
    out.put("floats_ratio_oracle_vs_tree_nystrom", floats);
    out.put("throughput", throughput);
    out.put("acceptance", acceptance(armOut, tvRatio, floats));
    out.put("provenance", provenance);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Double ratio(Map<String, Object> arms, Arm num, Arm den, String key) {
    if (!arms.containsKey(num.key) || !arms.containsKey(den.key)) {
      return null;
    }
    double a = ((Number) ((Map<String, Object>) arms.get(num.key)).get(key)).doubleValue();
    double b = ((Number) ((Map<String, Object>) arms.get(den.key)).get(key)).doubleValue();
    return b == 0 ? null : ArmRun.round(a / b);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> acceptance(Map<String, Object> arms, Double tvRatio, Double floats) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tv_at_most_half_of_static", tvRatio == null ? null : tvRatio <= 0.5);
    Map<String, Object> tn = (Map<String, Object>) arms.get(Arm.TREE_NYSTROM.key);
    Map<String, Object> st = (Map<String, Object>) arms.get(Arm.STATIC.key);
    Map<String, Object> or = (Map<String, Object>) arms.get(Arm.ORACLE.key);
    if (tn != null && st != null) {
      m.put("recall@10_not_below_static",
          ((Number) tn.get("test_recall@10")).doubleValue() >= ((Number) st.get("test_recall@10")).doubleValue());
    }
    if (tn != null && or != null) {
      m.put("recall@10_within_10pct_of_oracle",
          ((Number) tn.get("test_recall@10")).doubleValue() >= 0.9 * ((Number) or.get("test_recall@10")).doubleValue());
    }
    m.put("floats_current_100x_below_oracle", floats == null ? null : floats >= 100);
    return m;
  }
}
