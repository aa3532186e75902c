package dev.negmine.cli.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import dev.negmine.train.run.RunFiles;
import dev.negmine.train.run.RunSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The held-out table of {@code negmine compare --held-out}: per recipe the held-out MAP@R and P@1
 * of every seed, their mean and sample standard deviation, the mean change against the recipe's
 * base (from {@code --base}) and against raw features, the last validation MAP@R and the runs
 * whose collapse detector fired. Written as {@code compare.json} and {@code held-out.txt}.
 */
final class CompareTable {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

  private final String heldOut;
  private final Map<String, Double> raw;
  private final Map<String, List<RunSummary>> runs;
  private final Map<String, List<Map<String, Double>>> held;
  private final Map<String, String> bases;

  CompareTable(String heldOut, Map<String, Double> raw, Map<String, List<RunSummary>> runs,
      Map<String, List<Map<String, Double>>> held, Map<String, String> bases) {
    this.heldOut = heldOut;
    this.raw = raw;
    this.runs = runs;
    this.held = held;
    this.bases = bases;
  }

  /**
   * {@code RECIPE=BASE} pairs, both among {@code recipes}.
   *
   * @throws IllegalArgumentException naming the first malformed pair or unknown recipe
   */
  static Map<String, String> parseBases(List<String> pairs, List<String> recipes) {
    Map<String, String> m = new LinkedHashMap<>();
    if (pairs == null) {
      return m;
    }
    for (String p : pairs) {
      String[] kv = p.trim().toLowerCase(Locale.ROOT).split("=", -1);
      if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
        throw new IllegalArgumentException("--base: expected RECIPE=BASE, got '" + p + "'");
      }
      for (String r : kv) {
        if (!recipes.contains(r.trim())) {
          throw new IllegalArgumentException("--base: '" + r.trim() + "' is not among --recipes " + recipes);
        }
      }
      if (kv[0].trim().equals(kv[1].trim())) {
        throw new IllegalArgumentException("--base: " + p + " compares a recipe with itself");
      }
      m.put(kv[0].trim(), kv[1].trim());
    }
    return m;
  }

  /**
   * What {@code runDir} holds for a job whose configuration is {@code configJson}: "new" (no run),
   * "finished" (the same run, complete) or "unfinished" (the same run, to be resumed).
   *
   * @throws IllegalArgumentException when it holds a run of another configuration
   */
  static String existing(Path runDir, String configJson) throws IOException {
    Path config = runDir.resolve(RunFiles.CONFIG);
    if (!Files.exists(config)) {
      return "new";
    }
    if (!Files.readString(config).equals(configJson)) {
      throw new IllegalArgumentException(runDir + " holds a run of another configuration or data; remove it or choose another --out");
    }
    return Files.exists(runDir.resolve(RunFiles.SUMMARY)) ? "finished" : "unfinished";
  }

  /** The summary a finished run wrote (its {@code summary.json}). */
  static RunSummary readSummary(Path runDir) throws IOException {
    Path file = runDir.resolve(RunFiles.SUMMARY);
    try {
      JsonObject o = GSON.fromJson(Files.readString(file), JsonObject.class);
      return new RunSummary(runDir, metrics(o.getAsJsonObject("final_metrics")), metrics(o.getAsJsonObject("baseline_metrics")),
          o.get("epochs").getAsInt(), o.get("steps").getAsLong(),
          new RunSummary.Timing(o.get("train_loop_seconds").getAsDouble(), o.get("wall_seconds_this_session").getAsDouble()),
          o.has("collapse") && !o.get("collapse").isJsonNull() ? o.get("collapse").getAsString() : null,
          o.has("stopped_on_collapse") && o.get("stopped_on_collapse").getAsBoolean());
    } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
      throw new IllegalArgumentException(file + " is corrupt: " + e.getMessage(), e);
    }
  }

  private static Map<String, Double> metrics(JsonObject o) {
    Map<String, Double> m = new LinkedHashMap<>();
    o.entrySet().forEach(e -> m.put(e.getKey(), e.getValue().getAsDouble()));
    return m;
  }

  /** Mean and sample standard deviation (0 for one value) of {@code metric} over {@code ms}. */
  static double[] stats(List<Map<String, Double>> ms, String metric) {
    double[] v = ms.stream().mapToDouble(m -> m.getOrDefault(metric, Double.NaN)).toArray();
    double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
    double var = v.length < 2 ? 0 : java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (v.length - 1);
    return new double[] {mean, Math.sqrt(var)};
  }

  /** Mean held-out {@code metric} of {@code recipe} minus its base's, or NaN without a base. */
  double delta(String recipe, String metric) {
    String b = bases.get(recipe);
    return b == null ? Double.NaN : stats(held.get(recipe), metric)[0] - stats(held.get(b), metric)[0];
  }

  String text() {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "held out: %s%n", heldOut));
    sb.append(String.format(Locale.ROOT, "%-13s %-26s %8s %7s %7s %-18s %8s %8s %8s %9s%n", "recipe", "held-out MAP@R per seed",
        "mean", "sd", "P@1", "vs base", "vs raw", "val", "loop s", "collapsed"));
    sb.append(String.format(Locale.ROOT, "%-13s %-26s %8.4f %7s %7.4f %-18s %8s %8s %8s %9s%n", "raw features", "", raw.get("map_at_r"),
        "", raw.get("p_at_1"), "", "", "", "", ""));
    for (String r : held.keySet()) {
      List<Map<String, Double>> h = held.get(r);
      StringBuilder seeds = new StringBuilder();
      for (Map<String, Double> m : h) {
        seeds.append(seeds.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.4f", m.get("map_at_r")));
      }
      double[] map = stats(h, "map_at_r");
      double d = delta(r, "map_at_r");
      String vsBase = Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%+.4f %s", d, bases.get(r));
      List<RunSummary> rs = runs.get(r);
      sb.append(String.format(Locale.ROOT, "%-13s %-26s %8.4f %7.4f %7.4f %-18s %+8.4f %8.4f %8.1f %9s%n", r, seeds, map[0], map[1],
          stats(h, "p_at_1")[0], vsBase, map[0] - raw.get("map_at_r"),
          CompareCommand.stats(rs, "map_at_r")[0], rs.stream().mapToDouble(x -> x.timing().trainLoopSeconds()).average().orElse(0),
          rs.stream().filter(x -> x.collapse() != null).count() + "/" + rs.size()));
    }
    return sb.toString();
  }

  /** {@code compare.json} (every figure) and {@code held-out.txt} (the text table), atomically. */
  void write(Path dir) throws IOException {
    JsonObject o = new JsonObject();
    o.addProperty("held_out", heldOut);
    o.add("raw_features", GSON.toJsonTree(raw));
    JsonObject recipes = new JsonObject();
    for (String r : held.keySet()) {
      JsonObject x = new JsonObject();
      JsonArray perRun = new JsonArray();
      List<RunSummary> rs = runs.get(r);
      for (int i = 0; i < rs.size(); i++) {
        JsonObject run = new JsonObject();
        run.addProperty("run", rs.get(i).runDir().getFileName().toString());
        run.add("held_out", GSON.toJsonTree(held.get(r).get(i)));
        run.add("validation", GSON.toJsonTree(rs.get(i).finalMetrics()));
        run.addProperty("collapse", rs.get(i).collapse());
        run.addProperty("train_loop_seconds", rs.get(i).timing().trainLoopSeconds());
        perRun.add(run);
      }
      x.add("runs", perRun);
      for (String metric : List.of("map_at_r", "p_at_1")) {
        double[] s = stats(held.get(r), metric);
        x.addProperty("held_out_" + metric + "_mean", s[0]);
        x.addProperty("held_out_" + metric + "_sd", s[1]);
      }
      if (bases.containsKey(r)) {
        x.addProperty("base", bases.get(r));
        x.addProperty("held_out_map_at_r_vs_base", delta(r, "map_at_r"));
        x.addProperty("held_out_p_at_1_vs_base", delta(r, "p_at_1"));
      }
      x.addProperty("held_out_map_at_r_vs_raw", stats(held.get(r), "map_at_r")[0] - raw.get("map_at_r"));
      recipes.add(r, x);
    }
    o.add("recipes", recipes);
    RunFiles.writeString(dir.resolve("compare.json"), GSON.toJson(o));
    RunFiles.writeString(dir.resolve("held-out.txt"), text());
  }
}
