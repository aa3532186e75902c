package dev.negmine.cli.train;

import dev.negmine.train.run.RunListener;
import dev.negmine.train.spec.RunSpec;
import dev.negmine.train.run.RunSummary;
import dev.negmine.train.run.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.BitmapEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code negmine compare}: trains several recipes on the same data and seeds; one comparison report. */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Train each recipe on the same data and seeds and write one comparison report.")
public final class CompareCommand implements Callable<Integer> {
  @Option(names = "--recipes", defaultValue = "facenet,batch-hard,random", split = ",", description = "recipes (default ${DEFAULT-VALUE})")
  List<String> recipes;
  @Option(names = "--seeds", defaultValue = "1", description = "seeds per recipe: 1..N (default ${DEFAULT-VALUE})")
  int seeds;
  @Option(names = "--data") Path data;
  @Option(names = "--labels") Path labels;
  @Option(names = "--eval-data") Path evalData;
  @Option(names = "--eval-labels") Path evalLabels;
  @Option(names = "--encoder", description = "as in train (default cnn; text: adapter)") String encoder;
  @Option(names = "--task", description = "a built-in text task instead of --data: wordnet[:N] or wordnet-gloss[:N]") String task;
  @Option(names = "--text-encoder", description = "frozen text encoder for --task (default all-minilm-l6-v2-q)") String textEncoder;
  @Option(names = "--m-per-class", description = "items per class in a batch (default 16; text 2)") Integer mPerClass;
  @Option(names = "--epochs", description = "epochs (default " + dev.negmine.train.spec.Defaults.EPOCHS + "; --task: " + TextJobs.TASK_EPOCHS + ")") Integer epochs;
  @Option(names = "--batch", description = "as in train (default 160; fine-tuning 32)") Integer batch;
  @Option(names = "--arms", split = ",", description = "fine-tuning (a BEIR directory or --task foldoc), each for every seed at equal"
      + " steps (default hard,in-batch): in-batch, top-k (mined, no margin), margin (mined, relative margin 0.05), hard (the options"
      + " as given), guide (bge-small masks false negatives), cached-4x (4x logical batch, gradient caching, a quarter of the steps),"
      + " queue (4,096 documents), static (pool re-mined every --pool-refresh-every or half the steps), dynamic (a dynamic index"
      + " re-embedding as many documents as static, spread over the steps)")
  List<String> arms;
  @Option(names = "--pool-refresh-every", description = "fine-tuning: re-mine every N steps in the background (as in train)")
  Long poolRefreshEvery;
  @picocli.CommandLine.Mixin
  dev.negmine.cli.text.FineTuneOptions fineTune = new dev.negmine.cli.text.FineTuneOptions();
  @Option(names = "--lr", description = "learning rate (default " + dev.negmine.train.spec.Defaults.LEARNING_RATE + "; --task: " + TextJobs.TASK_LR
      + "; simclr " + TrainCommand.SIMCLR_LR + ")") Double lr;
  @Option(names = "--temperature", description = "InfoNCE temperature of infonce / simclr recipes (default as in train: "
      + TrainCommand.DEFAULT_TEMPERATURE + ", simclr " + TrainCommand.SIMCLR_TEMPERATURE + ")")
  Double temperature;
  @Option(names = "--out", description = "comparison directory (default runs/compare-TIMESTAMP)") Path out;
  @Option(names = "--held-out", description = "also embed these items (same forms as --data) with every trained model and report their"
      + " retrieval metrics, with raw features as the reference; e.g. Fashion-MNIST's train split, which no default run sees")
  Path heldOut;
  @Option(names = "--held-out-labels", description = "labels .npy for .npy --held-out features") Path heldOutLabels;
  @Option(names = "--held-out-items", defaultValue = "0", description = "use the first N held-out items; 0 = all (default ${DEFAULT-VALUE})")
  int heldOutItems;
  @Option(names = "--base", split = ",", description = "RECIPE=BASE pairs: report RECIPE's mean change against BASE (both among --recipes)")
  List<String> base;
  @Option(names = "--augment", description = "as in train, for every recipe (e.g. a milder setting of facenet-aug or simclr)") String augment;
  @Option(names = "--synthetic", description = "as in train, for every recipe (e.g. other MoCHi counts)") String synthetic;
  @Option(names = "--groups", description = "as in train, for every recipe") String groups;
  @Option(names = "--stratify", description = "as in train, for every recipe (e.g. facenet with stratified batches)") String stratify;
  @Option(names = "--reuse", description = "keep runs already in --out whose configuration matches (finished: read back; unfinished: resumed)")
  boolean reuse;

  @Override
  public Integer call() {
    TrainSupport.headless();
    return TrainSupport.guard("compare", System.err, this::compare);
  }

  private int compare() throws IOException {
    if (seeds < 1) {
      throw new IllegalArgumentException("--seeds must be >= 1");
    }
    boolean retrieval = dev.negmine.cli.text.RetrievalCli.isRetrievalTask(task) || dev.negmine.cli.text.RetrievalCli.isBeir(data)
        || (encoder != null && encoder.trim().equalsIgnoreCase("transformer"));
    if (retrieval) {
      return fineTuneArms();
    }
    if (arms != null) {
      throw new IllegalArgumentException("--arms is for fine-tuning on retrieval data (a BEIR directory or --task foldoc)");
    }
    Path dir = out != null ? out : Path.of("runs", "compare-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    if (Files.exists(dir.resolve("compare.html")) && !reuse) {
      throw new IllegalArgumentException(dir + " already holds a comparison (--reuse keeps its matching runs)");
    }
    List<String> names = recipes.stream().map(r -> r.trim().toLowerCase(Locale.ROOT)).distinct().toList();
    Map<String, String> bases = CompareTable.parseBases(base, names);
    if (heldOut == null && (heldOutLabels != null || heldOutItems != 0)) {
      throw new IllegalArgumentException("--held-out-labels and --held-out-items need --held-out");
    }
    HeldOut held = heldOut == null ? null : HeldOut.load(heldOut, heldOutLabels, heldOutItems);
    Map<String, List<RunSummary>> results = new LinkedHashMap<>();
    Map<String, List<Map<String, Double>>> heldResults = new LinkedHashMap<>();
    List<RunSpec> jobs = new ArrayList<>();
    for (String r : names) {
      for (int s = 1; s <= seeds; s++) {
        // one train run per (recipe, seed): the same spec as 'negmine train' with these options
        jobs.add(RunSpec.builder().data(data).labels(str(labels)).evalData(evalData).evalLabels(str(evalLabels))
            .recipe(r).encoder(encoder).epochs(epochs).batch(batch).mPerClass(mPerClass).temperature(temperature)
            .learningRate(lr).seed((long) s).task(task).textEncoder(textEncoder).augment(augment).groups(groups)
            .stratify(stratify).synthetic(synthetic).build());
      }
    }
    List<dev.negmine.train.spec.Runs.Job> prepared = new ArrayList<>();
    for (RunSpec o : jobs) {
      prepared.add(TrainCommand.prepare(o));
    }
    for (int i = 0; i < jobs.size(); i++) {
      RunSpec o = jobs.get(i);
      dev.negmine.train.spec.Runs.Job job = prepared.get(i);
      Path runDir = dir.resolve(o.recipe() + "-seed" + o.seed());
      TrainingRun.Builder b = dev.negmine.train.spec.Runs.run(job, runDir).listener(RunListener.NONE);
      String state = reuse ? CompareTable.existing(runDir, b.build().configJson()) : "new";
      RunSummary s;
      if (state.equals("finished")) {
        System.err.printf(Locale.ROOT, "[%d/%d] %s seed %d: finished run kept%n", i + 1, jobs.size(), o.recipe(), o.seed());
        s = CompareTable.readSummary(runDir);
      } else {
        if (state.equals("new")) {
          o.save(runDir);
        }
        System.err.printf(Locale.ROOT, "[%d/%d] %s seed %d%s%n", i + 1, jobs.size(), o.recipe(), o.seed(),
            state.equals("new") ? "" : ": resumed");
        s = b.resume(!state.equals("new")).build().run();
        ReportWriter.write(runDir);
      }
      results.computeIfAbsent(o.recipe(), k -> new ArrayList<>()).add(s);
      if (held != null) {
        Map<String, Double> m = held.evaluate(runDir);
        heldResults.computeIfAbsent(o.recipe(), k -> new ArrayList<>()).add(m);
        System.err.printf(Locale.ROOT, "      held-out MAP@R %.4f  P@1 %.4f (%d items)%n", m.get("map_at_r"), m.get("p_at_1"), held.size());
      }
    }
    if (held != null) {
      CompareTable table = new CompareTable(held.description(), held.raw(), results, heldResults, bases);
      table.write(dir);
      Path html = writeReport(dir, results, "<h2>Held out</h2><pre>" + ReportWriter.esc(table.text()) + "</pre>");
      System.out.print(table.text());
      System.out.println("report: " + html.toAbsolutePath());
      return TrainSupport.OK;
    }
    Path html = writeReport(dir, results, "");
    System.out.printf("%-14s %8s %8s %8s %8s %10s %10s%n", "recipe", "MAP@R", "sd", "spread", "P@1", "loop s", "collapsed");
    RunSummary any = results.values().iterator().next().get(0);
    // the frozen features, evaluated before any step (the same for every recipe and seed)
    System.out.printf(Locale.ROOT, "%-14s %8.4f %8s %8s %8.4f %10s %10s%n", "(untrained)",
        any.baselineMetrics().getOrDefault("map_at_r", Double.NaN), "-", "-", any.baselineMetrics().getOrDefault("p_at_1", Double.NaN), "-", "-");
    for (var e : results.entrySet()) {
      double[] map = stats(e.getValue(), "map_at_r");
      double[] p1 = stats(e.getValue(), "p_at_1");
      System.out.printf(Locale.ROOT, "%-14s %8.4f %8.4f %8.4f %8.4f %10.1f %10s%n", e.getKey(), map[0], map[1], spread(e.getValue(), "map_at_r"), p1[0],
          e.getValue().stream().mapToDouble(x -> x.timing().trainLoopSeconds()).average().orElse(0),
          e.getValue().stream().filter(x -> x.collapse() != null).count() + "/" + e.getValue().size());
    }
    System.out.println("report: " + html.toAbsolutePath());
    return TrainSupport.OK;
  }

  /** Max minus min of {@code metric} over the runs (the seed spread). */
  static double spread(List<RunSummary> runs, String metric) {
    var s = runs.stream().mapToDouble(r -> r.finalMetrics().getOrDefault(metric, Double.NaN)).summaryStatistics();
    return s.getMax() - s.getMin();
  }

  static double[] stats(List<RunSummary> runs, String metric) {
    double[] v = runs.stream().mapToDouble(r -> r.finalMetrics().getOrDefault(metric, Double.NaN)).toArray();
    double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
    double var = v.length < 2 ? 0 : java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (v.length - 1);
    return new double[] {mean, Math.sqrt(var)};
  }

  /** The fine-tuning comparison: arms x seeds at equal steps against the frozen model. */
  private int fineTuneArms() throws IOException {
    dev.negmine.cli.text.FineTuneCli.useAllCores();
    Path d = task != null ? dev.negmine.cli.text.RetrievalCli.taskDir(task) : data;
    if (d == null) {
      throw new IllegalArgumentException("fine-tuning needs --data BEIR_DIR or --task foldoc");
    }
    String abs = d.toAbsolutePath().normalize().toString();
    List<dev.negmine.cli.text.FineTuneCompare.Arm> list = new ArrayList<>();
    List<String> names = arms == null ? List.of("hard", "in-batch") : arms;
    // the dynamic arm's budget is a share of the corpus: read it once (the runs read it again)
    int corpusSize = names.stream().anyMatch(a -> a.trim().equalsIgnoreCase("dynamic"))
        ? dev.negmine.text.retrieval.RetrievalData.read(Path.of(abs)).corpus().size() : 0;
    for (String a : names) {
      String n = a.trim().toLowerCase(Locale.ROOT);
      java.util.function.UnaryOperator<dev.negmine.text.finetune.FineTuneConfig> arm = dev.negmine.cli.text.CompareArms.of(n, corpusSize);
      dev.negmine.text.finetune.FineTuneConfig probe = arm.apply(fineTune.config(abs, textEncoder, epochs, batch, lr, temperature, 1,
          poolRefreshEvery, null));
      list.add(new dev.negmine.cli.text.FineTuneCompare.Arm() {
        public String name() {
          return n;
        }

        public dev.negmine.text.finetune.FineTuneConfig config(long seed) {
          return arm.apply(fineTune.config(abs, probe.model(), epochs, batch, lr, temperature, seed, poolRefreshEvery, null));
        }
      });
    }
    Path dir = out != null ? out : Path.of("runs", "compare-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    return dev.negmine.cli.text.FineTuneCompare.run(list, seeds, dir, reuse, System.out, System.err);
  }

  private static Path writeReport(Path dir, Map<String, List<RunSummary>> results, String extraHtml) throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(820).height(400).title("Final metrics by recipe (mean over seeds)")
        .xAxisTitle("recipe").build();
    List<String> names = new ArrayList<>(results.keySet());
    for (String metric : List.of("map_at_r", "p_at_1")) {
      List<Double> means = new ArrayList<>();
      List<Double> sds = new ArrayList<>();
      for (String r : names) {
        double[] s = stats(results.get(r), metric);
        means.add(s[0]);
        sds.add(s[1]);
      }
      chart.addSeries(metric, names, means, sds);
    }
    BitmapEncoder.saveBitmap(chart, dir.resolve("compare.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    StringBuilder h = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>negmine compare</title>"
        + "<style>body{font-family:sans-serif;max-width:900px;margin:2em auto}td,th{border:1px solid #ccc;padding:4px 8px}"
        + "table{border-collapse:collapse}</style></head><body><h1>Recipe comparison</h1>");
    h.append("<table><tr><th>recipe</th><th>seeds</th><th>MAP@R mean</th><th>sd</th><th>spread</th><th>P@1 mean</th><th>sd</th>"
        + "<th>raw MAP@R</th><th>raw P@1</th><th>loop s</th><th>collapsed</th><th>runs</th></tr>");
    for (String r : names) {
      List<RunSummary> runs = results.get(r);
      double[] map = stats(runs, "map_at_r");
      double[] p1 = stats(runs, "p_at_1");
      RunSummary first = runs.get(0);
      h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%d</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td>"
              + "<td>%.4f</td><td>%.4f</td><td>%.1f</td><td>%d of %d</td><td>", ReportWriter.esc(r), runs.size(), map[0], map[1],
          spread(runs, "map_at_r"), p1[0], p1[1], first.baselineMetrics().get("map_at_r"), first.baselineMetrics().get("p_at_1"),
          runs.stream().mapToDouble(x -> x.timing().trainLoopSeconds()).average().orElse(0),
          runs.stream().filter(x -> x.collapse() != null).count(), runs.size()));
      for (RunSummary s : runs) {
        String name = s.runDir().getFileName().toString();
        h.append("<a href=\"").append(name).append("/report.html\">").append(name).append("</a> ");
      }
      h.append("</td></tr>");
    }
    h.append("</table>").append(extraHtml).append("<p><img src=\"compare.png\" alt=\"comparison chart\"></p></body></html>\n");
    Path html = dir.resolve("compare.html");
    dev.negmine.train.run.RunFiles.writeString(html, h.toString());
    return html;
  }

  private static String str(Path p) {
    return p == null ? null : p.toString();
  }
}
