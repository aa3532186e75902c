package dev.negmine.cli.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes {@code report.html} and its PNG charts from a run directory's {@code metrics.jsonl} and
 * {@code summary.json}, so a resumed run's report covers the whole run. Headless (AWT is only used
 * to rasterise charts).
 */
final class ReportWriter {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();
  /** Points per chart line; longer series are thinned by taking every k-th step. */
  private static final int MAX_POINTS = 1500;

  private ReportWriter() {}

  /** Writes the report of run {@code dir}; returns the HTML path. */
  static Path write(Path dir) throws IOException {
    List<JsonObject> steps = new ArrayList<>();
    List<JsonObject> evals = new ArrayList<>();
    JsonObject baseline = null;
    List<String> warnings = new ArrayList<>();
    List<JsonObject> refreshes = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
      if (line.isBlank()) {
        continue;
      }
      JsonObject o = GSON.fromJson(line, JsonObject.class);
      switch (o.get("type").getAsString()) {
        case "step" -> steps.add(o);
        case "eval" -> evals.add(o);
        case "baseline" -> baseline = o.getAsJsonObject("metrics");
        case "collapse" -> warnings.add(o.get("message").getAsString());
        case "pool_refresh" -> refreshes.add(o);
        default -> { }
      }
    }
    JsonObject summary = GSON.fromJson(Files.readString(dir.resolve("summary.json")), JsonObject.class);
    List<String> charts = new ArrayList<>();
    int stride = Math.max(1, steps.size() / MAX_POINTS);
    charts.add(lineChart(dir, "loss", "Loss per step", "step", steps, stride, Map.of("loss", "training loss", "hardestLoss", "hardest (batch-hard) loss")));
    charts.add(lineChart(dir, "active", "Active tuple fraction", "step", steps, stride, Map.of("activeFraction", "active fraction")));
    charts.add(lineChart(dir, "geometry", "Batch geometry", "step", steps, stride, Map.of("meanCosine", "mean pairwise cosine")));
    charts.add(lineChart(dir, "rank", "Effective rank of batch embeddings", "step", steps, stride, Map.of("effectiveRank", "effective rank")));
    charts.add(evalChart(dir, evals, baseline));
    if (!steps.isEmpty() && steps.get(0).has("comm_seconds")) {
      // data-parallel run: rank 0's step time split into compute and time inside collectives, and bytes moved
      charts.add(lineChart(dir, "communication", "Data-parallel step (rank 0 of " + steps.get(0).get("world_size").getAsInt()
          + "): seconds", "step", steps, stride, Map.of("compute_seconds", "compute", "comm_seconds", "communication (waiting included)")));
      charts.add(lineChart(dir, "comm-bytes", "Bytes moved into rank 0 per step", "step", steps, stride,
          Map.of("comm_bytes", "bytes")));
    }
    List<String> sources = sourceNames(steps);
    if (!sources.isEmpty()) {
      for (String[] f : SOURCE_FIGURES) {
        charts.add(sourceChart(dir, "source-" + f[0].replace('_', '-'), f[1], f[0], steps, stride, sources));
      }
    }
    String html = html(dir, summary, baseline, evals, charts, warnings).replace("</body></html>\n",
        sourceTables(steps, sources, refreshes) + "</body></html>\n");
    Path out = dir.resolve("report.html");
    dev.negmine.train.run.RunFiles.writeString(out, html);
    return out;
  }

  private static String lineChart(Path dir, String name, String title, String xTitle, List<JsonObject> steps,
      int stride, Map<String, String> series) throws IOException {
    XYChart chart = new XYChartBuilder().width(820).height(360).title(title).xAxisTitle(xTitle).build();
    chart.getStyler().setMarkerSize(0);
    for (var e : new LinkedHashMap<>(series).entrySet()) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (int i = 0; i < steps.size(); i += stride) {
        JsonElement v = steps.get(i).get(e.getKey());
        if (v != null && !v.isJsonNull() && Double.isFinite(v.getAsDouble())) {
          x.add(steps.get(i).get("step").getAsDouble());
          y.add(v.getAsDouble());
        }
      }
      if (x.isEmpty()) {
        x.add(0.0);
        y.add(0.0);
      }
      chart.addSeries(e.getValue(), x, y).setMarker(SeriesMarkers.NONE);
    }
    return save(dir, name, chart);
  }

  private static String evalChart(Path dir, List<JsonObject> evals, JsonObject baseline) throws IOException {
    XYChart chart = new XYChartBuilder().width(820).height(360).title("Evaluation per epoch vs raw features")
        .xAxisTitle("epoch").build();
    for (String metric : List.of("map_at_r", "p_at_1")) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (JsonObject e : evals) {
        x.add(e.get("epoch").getAsDouble());
        y.add(e.getAsJsonObject("metrics").get(metric).getAsDouble());
      }
      if (x.isEmpty()) {
        continue;
      }
      chart.addSeries(metric, x, y);
      if (baseline != null && baseline.has(metric)) {
        double b = baseline.get(metric).getAsDouble();
        XYSeries s = chart.addSeries(metric + " (raw features)", List.of(x.get(0), x.get(x.size() - 1)), List.of(b, b));
        s.setMarker(SeriesMarkers.NONE);
      }
    }
    if (chart.getSeriesMap().isEmpty()) {
      chart.addSeries("none", new double[] {0}, new double[] {0});
    }
    return save(dir, "eval", chart);
  }

  /** Per-source figures of the steps' {@code sources} objects: field, chart title. */
  private static final String[][] SOURCE_FIGURES = {
      {"count", "Negatives per source per step"},
      {"mean_similarity", "Mean anchor-negative cosine per source"},
      {"active_fraction", "Active fraction per source"},
      {"loss_share", "Share of the loss per source"},
      {"suspected_false_negatives", "Suspected false negatives per source (negative above the positive by > margin)"}};

  private static List<String> sourceNames(List<JsonObject> steps) {
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
    for (JsonObject s : steps) {
      if (s.has("sources")) {
        names.addAll(s.getAsJsonObject("sources").keySet());
      }
    }
    return new ArrayList<>(names);
  }

  private static String sourceChart(Path dir, String name, String title, String field, List<JsonObject> steps, int stride,
      List<String> sources) throws IOException {
    XYChart chart = new XYChartBuilder().width(820).height(360).title(title).xAxisTitle("step").build();
    chart.getStyler().setMarkerSize(0);
    for (String src : sources) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (int i = 0; i < steps.size(); i += stride) {
        JsonObject per = steps.get(i).has("sources") ? steps.get(i).getAsJsonObject("sources") : null;
        JsonElement v = per != null && per.has(src) ? per.getAsJsonObject(src).get(field) : null;
        if (v != null && !v.isJsonNull() && Double.isFinite(v.getAsDouble())) {
          x.add(steps.get(i).get("step").getAsDouble());
          y.add(v.getAsDouble());
        }
      }
      if (!x.isEmpty()) {
        chart.addSeries(src, x, y).setMarker(SeriesMarkers.NONE);
      }
    }
    if (chart.getSeriesMap().isEmpty()) {
      chart.addSeries("none", new double[] {0}, new double[] {0});
    }
    return save(dir, name, chart);
  }

  /** Per-source means over the run and the pool refreshes with their staleness. */
  private static String sourceTables(List<JsonObject> steps, List<String> sources, List<JsonObject> refreshes) {
    if (sources.isEmpty()) {
      return "";
    }
    StringBuilder h = new StringBuilder("<h2>Negative sources (mean per step over the run)</h2><table><tr><th>source</th>");
    for (String[] f : SOURCE_FIGURES) {
      h.append("<th>").append(esc(f[0].replace('_', ' '))).append("</th>");
    }
    h.append("</tr>");
    for (String src : sources) {
      h.append("<tr><td>").append(esc(src)).append("</td>");
      for (String[] f : SOURCE_FIGURES) {
        double sum = 0;
        int n = 0;
        for (JsonObject s : steps) {
          JsonObject per = s.has("sources") ? s.getAsJsonObject("sources") : null;
          JsonElement v = per != null && per.has(src) ? per.getAsJsonObject(src).get(f[0]) : null;
          if (v != null && !v.isJsonNull() && Double.isFinite(v.getAsDouble())) {
            sum += v.getAsDouble();
            n++;
          }
        }
        h.append("<td>").append(n == 0 ? "" : String.format(Locale.ROOT, "%.4f", sum / n)).append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</table>");
    if (!refreshes.isEmpty()) {
      h.append("<h2>Pool refreshes</h2><table><tr><th>step</th><th>policy</th><th>mine s</th><th>overlap</th>"
          + "<th>Spearman</th><th>age s</th></tr>");
      for (JsonObject r : refreshes) {
        h.append("<tr><td>").append(r.get("step").getAsLong()).append("</td><td>").append(esc(r.get("policy").getAsString()))
            .append("</td><td>").append(fmt(r.get("mine_seconds"))).append("</td><td>").append(fmt(r.get("overlap")))
            .append("</td><td>").append(fmt(r.get("spearman"))).append("</td><td>").append(fmt(r.get("mean_age_seconds")))
            .append("</td></tr>");
      }
      h.append("</table>");
    }
    return h.toString();
  }

  static String save(Path dir, String name, XYChart chart) throws IOException {
    BitmapEncoder.saveBitmap(chart, dir.resolve(name + ".png").toString(), BitmapEncoder.BitmapFormat.PNG);
    return name + ".png";
  }

  private static String html(Path dir, JsonObject summary, JsonObject baseline, List<JsonObject> evals,
      List<String> charts, List<String> warnings) {
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>negmine run ")
        .append(esc(dir.getFileName().toString())).append("</title><style>")
        .append("body{font-family:sans-serif;max-width:900px;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
        .append("th{background:#f4f4f4}.warn{color:#a00;font-weight:bold}pre{background:#f8f8f8;padding:8px;overflow:auto}")
        .append("</style></head><body>");
    h.append("<h1>negmine training run ").append(esc(dir.getFileName().toString())).append("</h1>");
    for (String w : warnings) {
      h.append("<p class=\"warn\">Collapse warning: ").append(esc(w)).append("</p>");
    }
    h.append("<h2>Result</h2><table><tr><th>metric</th><th>trained</th><th>raw features</th></tr>");
    JsonObject fin = summary.getAsJsonObject("final_metrics");
    for (var e : fin.entrySet()) {
      h.append("<tr><td>").append(esc(e.getKey())).append("</td><td>").append(fmt(e.getValue()))
          .append("</td><td>").append(baseline != null && baseline.has(e.getKey()) ? fmt(baseline.get(e.getKey())) : "")
          .append("</td></tr>");
    }
    h.append("</table>");
    h.append(String.format(Locale.ROOT, "<p>%d epochs, %d steps; training loop %.1f s.</p>",
        summary.get("epochs").getAsInt(), summary.get("steps").getAsLong(), summary.get("train_loop_seconds").getAsDouble()));
    h.append("<h2>Charts</h2>");
    for (String c : charts) {
      h.append("<p><img src=\"").append(c).append("\" alt=\"").append(c).append("\"></p>");
    }
    h.append("<h2>Evaluation per epoch</h2><table><tr><th>epoch</th><th>step</th><th>MAP@R</th><th>P@1</th></tr>");
    for (JsonObject e : evals) {
      JsonObject m = e.getAsJsonObject("metrics");
      h.append("<tr><td>").append(e.get("epoch").getAsInt()).append("</td><td>").append(e.get("step").getAsLong())
          .append("</td><td>").append(fmt(m.get("map_at_r"))).append("</td><td>").append(fmt(m.get("p_at_1"))).append("</td></tr>");
    }
    h.append("</table>");
    h.append("<h2>Configuration</h2><pre>").append(esc(GSON.toJson(summary.get("config")))).append("</pre>");
    h.append("<h2>Provenance</h2><pre>").append(esc(GSON.toJson(summary.get("provenance")))).append("</pre>");
    h.append("</body></html>\n");
    return h.toString();
  }

  private static String fmt(JsonElement v) {
    return v == null || v.isJsonNull() ? "" : String.format(Locale.ROOT, "%.4f", v.getAsDouble());
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
