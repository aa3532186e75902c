package dev.negmine.cli;

import dev.negmine.core.io.Json;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.train.dynamic.DynamicIndexExperiment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code negmine bench dynamic-index}: the dynamic tree index with Nyström drift estimation against
 * in-batch, uniform, static-index, stale-tree, brute-force Nyström and oracle negatives while a dual
 * encoder trains (the experiment itself is {@link DynamicIndexExperiment} in negmine-train). Progress goes to stderr; figures to stdout; JSON, HTML and charts to
 * {@code --out}.
 */
@Command(
    name = "dynamic-index",
    mixinStandardHelpOptions = true,
    description = "Train a dual encoder with sampled-softmax negatives from in-batch, uniform, a static index refreshed every R steps, "
        + "the tree with stale vectors, Nyström with brute-force sampling, tree + Nyström and an oracle, at equal encoder budget; "
        + "report total variation to the exact softmax, gradient error, recall of the true top-100, test recall, memory, time, "
        + "and tree vs brute-force sampling and k-NN throughput.")
final class DynamicIndexBench implements Callable<Integer> {
  @Option(names = "--quick", description = "Quick preset: 10k targets, 200 steps, 64 landmarks per step. Default: full preset, 50k targets, 800 steps.")
  boolean quick;

  @Option(names = "--arms", split = ",", description = "Arms to run (default all): in_batch, uniform, static, tree_stale, nystrom_brute_force, tree_nystrom, oracle.")
  List<String> arms;

  @Option(names = "--steps", description = "Override the preset's training steps.")
  Integer steps;

  @Option(names = "--targets", description = "Override the preset's number of targets (clusters = targets / 50).")
  Integer targets;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of data, weights and sampling (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", description = "Directory for dynamic-index.json, report.html and PNG charts (default runs/dynamic-index-<time>).")
  Path out;

  @Option(names = "--json", description = "Print the per-arm figures as JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    if (steps != null && steps < 1) {
      throw new UserInputException("--steps must be >= 1, got " + steps);
    }
    if (targets != null && targets < 1000) {
      throw new UserInputException("--targets must be >= 1000, got " + targets);
    }
    DynamicIndexExperiment exp;
    try {
      DynamicIndexExperiment.Builder b = DynamicIndexExperiment.builder().quick(quick).seed(seed);
      if (arms != null) {
        b.arms(arms);
      }
      if (steps != null) {
        b.steps(steps);
      }
      if (targets != null) {
        b.targets(targets);
      }
      exp = b.build();
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage());
    }
    Map<String, Object> prov = new LinkedHashMap<>();
    prov.put("git_revision", Provenance.gitRevision());
    prov.put("java", System.getProperty("java.version"));
    prov.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    prov.put("vector_backend", Similarities.backend());
    prov.put("processors", Runtime.getRuntime().availableProcessors());
    prov.put("preset", quick ? "quick" : "full");
    long t0 = System.nanoTime();
    double cpu0 = processCpuSeconds();
    Map<String, Object> result = exp.run(System.err, prov);
    result.put("total_wall_s", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
    // the cores are shared: CPU seconds say more than wall time about what the run costs
    result.put("total_cpu_s", Math.round((processCpuSeconds() - cpu0) * 100) / 100.0);
    result.put("load_average", Math.round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100) / 100.0);
    Path dir = out != null ? out
        : Path.of("runs", "dynamic-index-" + java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Path html;
    try {
      html = DynamicReport.write(dir, result);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + dir + ": " + e.getMessage(), e);
    }
    if (json) {
      Map<String, Object> brief = new LinkedHashMap<>(result);
      @SuppressWarnings("unchecked")
      Map<String, Object> armsOut = new LinkedHashMap<>((Map<String, Object>) result.get("arms"));
      for (Map.Entry<String, Object> e : armsOut.entrySet()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> a = new LinkedHashMap<>((Map<String, Object>) e.getValue());
        a.remove("series");
        e.setValue(a);
      }
      brief.put("arms", armsOut);
      brief.put("report", html.toString());
      System.out.println(Json.write(brief));
    } else {
      @SuppressWarnings("unchecked")
      Map<String, Object> armsOut = (Map<String, Object>) result.get("arms");
      System.out.printf(Locale.ROOT, "%-22s %8s %8s %8s %8s %8s %8s %10s %12s %8s%n", "arm", "TV", "grad err",
          "top100", "R@1", "R@10", "R@100", "rows/step", "floats/step", "wall s");
      for (Map.Entry<String, Object> e : armsOut.entrySet()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> a = (Map<String, Object>) e.getValue();
        System.out.printf(Locale.ROOT, "%-22s %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %10.0f %12.0f %8.1f%n", e.getKey(),
            num(a, "mean_tv"), num(a, "mean_grad_rel_error"), num(a, "mean_recall_true_top100"), num(a, "test_recall@1"),
            num(a, "test_recall@10"), num(a, "test_recall@100"), num(a, "encoder_rows_per_step"),
            num(a, "floats_current_per_step"), num(a, "wall_s"));
      }
      System.out.println("tv_ratio_vs_static " + result.get("tv_ratio_vs_static") + ", floats oracle / tree+Nystrom "
          + result.get("floats_ratio_oracle_vs_tree_nystrom"));
      System.out.println("throughput " + Json.write(result.get("throughput")));
      System.out.println("acceptance " + Json.write(result.get("acceptance")));
      System.out.println("report " + html);
    }
    return 0;
  }

  /** CPU seconds used by this process so far (all threads), or NaN where the JVM cannot tell. */
  static double processCpuSeconds() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      long ns = os.getProcessCpuTime();
      return ns < 0 ? Double.NaN : ns / 1e9;
    }
    return Double.NaN;
  }

  private static double num(Map<String, Object> a, String k) {
    Object v = a.get(k);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
