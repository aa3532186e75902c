package dev.negmine.cli.train;

import dev.negmine.text.finetune.FineTuneHistory;
import dev.negmine.text.finetune.FineTuneListener;
import dev.negmine.text.finetune.FineTuning;
import dev.negmine.text.retrieval.IrMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code report.html} of a retrieval fine-tuning run, from its {@code metrics.jsonl} and
 * {@code summary.json}: the frozen and the fine-tuned model side by side, validation nDCG@10 per
 * epoch against the frozen model, the loss, learning rate and tokens per second per step.
 */
public final class FineTuneReport {
  private FineTuneReport() {}

  /** Writes the report of run {@code dir}; returns its path. */
  public static Path write(Path dir) throws IOException {
    List<String> lines = FineTuning.history(dir);
    List<FineTuneHistory.Eval> evals = FineTuneHistory.evals(lines);
    List<FineTuneListener.StepRecord> steps = FineTuneHistory.steps(lines);
    String summary = Files.readString(dir.resolve("summary.json"));
    IrMetrics.Result frozenDev = null;
    IrMetrics.Result frozenTest = null;
    IrMetrics.Result tunedDev = null;
    IrMetrics.Result tunedTest = null;
    for (FineTuneHistory.Eval e : evals) {
      if (e.epoch() == 0) {
        frozenDev = e.dev();
        frozenTest = e.test();
      } else {
        tunedDev = e.dev();
        tunedTest = e.test() != null ? e.test() : tunedTest;
      }
    }
    List<String> charts = new ArrayList<>();
    charts.add(devChart(dir, evals, frozenDev));
    charts.add(stepChart(dir, "ft-loss", "Ranking loss per step", steps, 0));
    charts.add(stepChart(dir, "ft-lr", "Learning rate per step", steps, 1));
    charts.add(stepChart(dir, "ft-speed", "Tokens per second per step", steps, 2));
    StringBuilder h = new StringBuilder();
    String name = ReportWriter.esc(dir.getFileName().toString());
    h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>negmine fine-tuning ").append(name)
        .append("</title><style>body{font-family:sans-serif;max-width:900px;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
        .append("th{background:#f4f4f4}pre{background:#f8f8f8;padding:8px;overflow:auto}</style></head><body>")
        .append("<h1>negmine fine-tuning run ").append(name).append("</h1>");
    h.append("<h2>Frozen vs fine-tuned</h2><table><tr><th>split</th><th>model</th><th>nDCG@10</th><th>MRR@10</th>"
        + "<th>Recall@10</th><th>Recall@100</th><th>MAP@100</th><th>queries</th></tr>");
    row(h, "validation", "frozen", frozenDev);
    row(h, "validation", "fine-tuned", tunedDev);
    row(h, "test", "frozen", frozenTest);
    row(h, "test", "fine-tuned", tunedTest);
    h.append("</table>");
    h.append("<h2>Validation per epoch</h2><table><tr><th>epoch</th><th>step</th><th>nDCG@10</th><th>vs frozen</th></tr>");
    for (FineTuneHistory.Eval e : evals) {
      if (e.dev() != null) {
        h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%d</td><td>%.4f</td><td>%+.4f</td></tr>",
            e.epoch() == 0 ? "frozen" : Integer.toString(e.epoch()), e.step(), e.dev().ndcg10(),
            frozenDev == null ? 0 : e.dev().ndcg10() - frozenDev.ndcg10()));
      }
    }
    h.append("</table><h2>Charts</h2>");
    for (String c : charts) {
      h.append("<p><img src=\"").append(c).append("\" alt=\"").append(c).append("\"></p>");
    }
    h.append("<h2>Summary (summary.json)</h2><pre>").append(ReportWriter.esc(summary)).append("</pre>");
    Path cfg = dir.resolve(dev.negmine.train.run.RunFiles.RETRIEVAL_CONFIG);
    if (Files.exists(cfg)) {
      h.append("<h2>Configuration (retrieval.json)</h2><pre>").append(ReportWriter.esc(Files.readString(cfg))).append("</pre>");
    }
    h.append("</body></html>\n");
    Path out = dir.resolve("report.html");
    dev.negmine.train.run.RunFiles.writeString(out, h.toString());
    return out;
  }

  private static void row(StringBuilder h, String split, String model, IrMetrics.Result r) {
    if (r == null) {
      return;
    }
    h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%d</td></tr>",
        split, model, r.ndcg10(), r.mrr10(), r.recall10(), r.recall100(), r.map100(), r.queries()));
  }

  private static String devChart(Path dir, List<FineTuneHistory.Eval> evals, IrMetrics.Result frozen) throws IOException {
    XYChart chart = new XYChartBuilder().width(820).height(360).title("Validation nDCG@10 per epoch vs the frozen model")
        .xAxisTitle("epoch").build();
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (FineTuneHistory.Eval e : evals) {
      if (e.dev() != null) {
        x.add((double) e.epoch());
        y.add(e.dev().ndcg10());
      }
    }
    if (x.isEmpty()) {
      x.add(0.0);
      y.add(0.0);
    }
    chart.addSeries("fine-tuned (epoch 0 = frozen)", x, y);
    if (frozen != null) {
      XYSeries s = chart.addSeries("frozen", List.of(x.get(0), Math.max(1.0, x.get(x.size() - 1))),
          List.of(frozen.ndcg10(), frozen.ndcg10()));
      s.setMarker(SeriesMarkers.NONE);
    }
    return ReportWriter.save(dir, "ft-dev", chart);
  }

  private static String stepChart(Path dir, String name, String title, List<FineTuneListener.StepRecord> steps, int what)
      throws IOException {
    XYChart chart = new XYChartBuilder().width(820).height(300).title(title).xAxisTitle("step").build();
    chart.getStyler().setMarkerSize(0);
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (FineTuneListener.StepRecord s : steps) {
      x.add((double) s.step());
      y.add(what == 0 ? s.loss() : what == 1 ? s.learningRate() : s.tokens() / Math.max(1e-9, s.seconds()));
    }
    if (x.isEmpty()) {
      x.add(0.0);
      y.add(0.0);
    }
    chart.addSeries(title, x, y).setMarker(SeriesMarkers.NONE);
    return ReportWriter.save(dir, name, chart);
  }
}
