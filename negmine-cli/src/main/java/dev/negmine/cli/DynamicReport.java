package dev.negmine.cli;

import dev.negmine.core.io.AtomicFiles;
import dev.negmine.core.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** Writes {@code dynamic-index.json}, {@code report.html} and PNG charts (XChart, headless). */
final class DynamicReport {
  private DynamicReport() {}

  @SuppressWarnings("unchecked")
  static Path write(Path dir, Map<String, Object> result) throws IOException {
    Files.createDirectories(dir);
    writeAtomically(dir.resolve("dynamic-index.json"), Json.write(result) + "\n");
    Map<String, Object> arms = (Map<String, Object>) result.get("arms");
    List<String> charts = new ArrayList<>();
    String[][] figs = {
        {"tv", "Total variation to the exact softmax", "tv"},
        {"grad_rel_error", "Relative error of the softmax gradient estimate", "grad"},
        {"recall_true_top100", "Recall of the true top-100", "recall"}};
    for (String[] f : figs) {
      for (String x : new String[] {"since_refresh", "step"}) {
        XYChart chart = new XYChartBuilder().width(860).height(380).title(f[1] + " vs " + x.replace('_', ' '))
            .xAxisTitle(x.equals("step") ? "training step" : "steps since the static index's last full re-encode")
            .yAxisTitle(f[0]).build();
        chart.getStyler().setMarkerSize(4);
        for (Map.Entry<String, Object> e : arms.entrySet()) {
          Map<String, Object> a = (Map<String, Object>) e.getValue();
          List<Map<String, Object>> series = (List<Map<String, Object>>) a.get("series");
          List<Double> xs = new ArrayList<>();
          List<Double> ys = new ArrayList<>();
          for (Map<String, Object> p : series) {
            if (((Number) p.get("step")).intValue() == 0) {
              continue;
            }
            xs.add(((Number) p.get(x)).doubleValue());
            ys.add(((Number) p.get(f[0])).doubleValue());
          }
          if (x.equals("since_refresh")) {
            sortTogether(xs, ys);
          }
          if (!xs.isEmpty()) {
            chart.addSeries(e.getKey(), xs, ys);
          }
        }
        if (chart.getSeriesMap().isEmpty()) {
          chart.addSeries("none", new double[] {0}, new double[] {0});
        }
        String name = f[2] + "-" + (x.equals("step") ? "step" : "since-refresh") + ".png";
        BitmapEncoder.saveBitmap(chart, dir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
        charts.add(name);
      }
    }
    writeAtomically(dir.resolve("report.html"), html(result, arms, charts));
    return dir.resolve("report.html");
  }

  private static void sortTogether(List<Double> xs, List<Double> ys) {
    Integer[] idx = new Integer[xs.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    java.util.Arrays.sort(idx, (a, b) -> Double.compare(xs.get(a), xs.get(b)));
    List<Double> x2 = new ArrayList<>();
    List<Double> y2 = new ArrayList<>();
    for (Integer i : idx) {
      x2.add(xs.get(i));
      y2.add(ys.get(i));
    }
    xs.clear();
    xs.addAll(x2);
    ys.clear();
    ys.addAll(y2);
  }

  @SuppressWarnings("unchecked")
  private static String html(Map<String, Object> result, Map<String, Object> arms, List<String> charts) {
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>negmine bench dynamic-index</title><style>")
        .append("body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
        .append("th{background:#f4f4f4}pre{background:#f8f8f8;padding:8px;overflow:auto}</style></head><body>");
    h.append("<h1>Dynamic tree index with Nyström drift estimation</h1>");
    h.append("<p>Dual encoder trained with sampled-softmax negatives (log-Q corrected) in each arm; figures on fixed ")
        .append("probe queries against the exact softmax over the current encodings. tv_ratio_vs_static = ")
        .append(result.get("tv_ratio_vs_static")).append("; floats kept current per step, oracle / tree+Nyström = ")
        .append(result.get("floats_ratio_oracle_vs_tree_nystrom")).append(".</p>");
    String[] cols = {"mean_tv", "mean_grad_rel_error", "mean_recall_true_top100", "test_recall@1", "test_recall@10",
        "test_recall@100", "encoder_rows_per_step", "floats_current_per_step", "train_s", "wall_s"};
    h.append("<table><tr><th>arm</th>");
    for (String c : cols) {
      h.append("<th>").append(c).append("</th>");
    }
    h.append("</tr>");
    for (Map.Entry<String, Object> e : arms.entrySet()) {
      Map<String, Object> a = (Map<String, Object>) e.getValue();
      h.append("<tr><td style=\"text-align:left\">").append(esc(String.valueOf(a.get("label")))).append("</td>");
      for (String c : cols) {
        Object v = a.get(c);
        h.append("<td>").append(v instanceof Number n ? String.format(Locale.ROOT, "%.4g", n.doubleValue()) : "").append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</table>");
    h.append("<h2>Acceptance checks</h2><pre>").append(esc(Json.write(result.get("acceptance")))).append("</pre>");
    h.append("<h2>Throughput: tree vs brute force</h2><pre>").append(esc(Json.write(result.get("throughput")))).append("</pre>");
    h.append("<h2>Charts</h2>");
    for (String c : charts) {
      h.append("<p><img src=\"").append(c).append("\" alt=\"").append(c).append("\"></p>");
    }
    h.append("<h2>Configuration and provenance</h2><pre>").append(esc(Json.write(result.get("config"))))
        .append("\n").append(esc(Json.write(result.get("provenance")))).append("</pre></body></html>\n");
    return h.toString();
  }

  private static void writeAtomically(Path p, String s) throws IOException {
    AtomicFiles.writeString(p, s);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
