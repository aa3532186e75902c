package dev.negmine.cli;

import dev.negmine.cli.train.ModelEval;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.metrics.RetrievalConfig;
import dev.negmine.core.metrics.RetrievalMetrics;
import dev.negmine.core.metrics.RetrievalResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code negmine eval}: leave-one-out retrieval metrics of a set of embeddings. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description =
        "Retrieval metrics with pytorch-metric-learning's definitions: every item queries all others (itself excluded); precision@1, recall@k, R-precision, MAP@R, MRR. Items whose label no other item has are skipped as queries. Evaluates saved embeddings, or a trained model (--model) on labelled data (--data).")
final class EvalCommand implements Callable<Integer> {
  @Option(names = "--embeddings", paramLabel = "E.npy", description = "Float embeddings, shape (N, d).")
  Path embeddings;

  @Option(names = "--labels", paramLabel = "L.npy",
      description = "Integer labels, shape (N): required with --embeddings and with --data features .npy.")
  Path labels;

  @Option(names = "--model", paramLabel = "RUN", description = "A trained run directory (runs/NAME): embed --data with it first.")
  Path model;

  @Option(names = "--data", paramLabel = "PATH",
      description = "With --model: a directory with IDX images + labels, an images IDX file, or a features .npy (with --labels).")
  Path data;

  @Option(names = "--task", paramLabel = "TASK",
      description = "A built-in text task (wordnet, wordnet-gloss; foldoc: query -> document retrieval): evaluate on its unseen test classes, the frozen encoder and, with --model, the trained head.")
  String task;

  @Option(names = "--text-encoder", paramLabel = "NAME", description = "With --task and no --model: the frozen text encoder (default all-minilm-l6-v2-q).")
  String textEncoder;

  @Option(names = "--distance", defaultValue = "cosine", paramLabel = "cosine|l2|dot|squared-l2",
      description = "Neighbour ranking (default ${DEFAULT-VALUE}).")
  String distance;

  @Option(names = "--recall-k", split = ",", defaultValue = "1,2,4,8", paramLabel = "K",
      description = "Cut-offs for recall@k (default ${DEFAULT-VALUE}).")
  List<Integer> recallK;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(names = "--split", paramLabel = "SPLIT",
      description = "Query -> document retrieval on a BEIR directory (--data) or --task foldoc: the qrels split to score (default test); nDCG@10, MRR@10, Recall@10/@100, MAP@100.")
  String split;

  @Override
  public Integer call() throws Exception {
    if (dev.negmine.text.finetune.FineTuning.isRun(model)) {
      return dev.negmine.cli.text.RetrievalCli.eval(data, task, split, textEncoder, model, json);
    }
    if (model == null && (split != null || dev.negmine.cli.text.RetrievalCli.isRetrievalTask(task)
        || dev.negmine.cli.text.RetrievalCli.isBeir(data))) {
      return dev.negmine.cli.text.RetrievalCli.eval(data, task, split, textEncoder, json);
    }
    Distance dist;
    try {
      dist = Distance.parse(distance);
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--distance: " + e.getMessage());
    }
    for (int k : recallK) {
      if (k < 1) {
        throw new UserInputException("--recall-k values must be >= 1, got " + k);
      }
    }
    RetrievalConfig config = RetrievalConfig.defaults().withDistance(dist)
        .withRecallKs(recallK.stream().mapToInt(Integer::intValue).toArray());
    boolean runData = false;
    if (task == null && model != null && data == null && embeddings == null) {
      ModelEval.RunData rd = ModelEval.runData(model);
      if (rd.task() == null && (rd.data() == null || !dev.negmine.cli.train.TextJobs.isText(null, rd.data().toString()))) {
        // the data the run trained on (null: the bundled split); text runs are evaluated through --task or --data
        data = rd.data();
        labels = rd.labels();
        runData = true;
      }
    }
    if (task != null || (model != null && data == null && embeddings == null && !runData)) {
      if (data != null || embeddings != null) {
        throw new UserInputException("--task brings its own data: drop --data / --embeddings");
      }
      ModelEval.TaskEval t;
      try {
        t = ModelEval.embedTask(task, model, textEncoder);
      } catch (IllegalArgumentException e) {
        throw new UserInputException(e.getMessage());
      }
      RetrievalResult frozen = RetrievalMetrics.evaluate(t.frozen(), t.labels(), config);
      RetrievalResult head = t.head() == null ? null : RetrievalMetrics.evaluate(t.head(), t.labels(), config);
      if (json) {
        System.out.println("{\"task\": " + dev.negmine.core.io.Json.write(t.description()) + ", \"frozen\": " + frozen.toJson()
            + (head == null ? "" : ", \"head\": " + head.toJson()) + "}");
      } else {
        System.out.println(t.description());
        System.out.printf(Locale.ROOT, "%-16s %8s %8s %8s%n", "", "P@1", "MAP@R", "R-prec");
        System.out.printf(Locale.ROOT, "%-16s %8.4f %8.4f %8.4f%n", "frozen encoder", frozen.precisionAt1(), frozen.mapAtR(), frozen.rPrecision());
        if (head != null) {
          System.out.printf(Locale.ROOT, "%-16s %8.4f %8.4f %8.4f%n", "trained head", head.precisionAt1(), head.mapAtR(), head.rPrecision());
          System.out.printf(Locale.ROOT, "%-16s %+8.4f %+8.4f %+8.4f%n", "head - frozen", head.precisionAt1() - frozen.precisionAt1(),
              head.mapAtR() - frozen.mapAtR(), head.rPrecision() - frozen.rPrecision());
        }
      }
      return 0;
    }
    FloatMatrix emb;
    long[] lab;
    String source;
    if (model != null || data != null) {
      if (model == null || (data == null && !runData) || embeddings != null) {
        throw new UserInputException("give either --embeddings E.npy --labels L.npy, or --model RUN [--data PATH]");
      }
      ModelEval.Embedded e = ModelEval.embed(model, data, labels);
      emb = e.embeddings();
      lab = e.labels();
      source = data == null ? "the bundled data" : data.toString();
    } else {
      if (embeddings == null || labels == null) {
        throw new UserInputException("give either --embeddings E.npy --labels L.npy, or --model RUN --data PATH");
      }
      MineBatchCommand.Batch b = MineBatchCommand.Batch.load(embeddings, labels, null, dist, false);
      emb = b.embeddings();
      lab = b.labels();
      source = embeddings.toString();
    }
    if (emb.rows() < 2) {
      throw new UserInputException(source + ": need at least 2 items to evaluate, got " + emb.rows());
    }
    emb = OutputGuards.checkedData(emb, lab, Path.of(source), labels, dist);
    RetrievalResult r = RetrievalMetrics.evaluate(emb, lab, config);
    print(r, json);
    return 0;
  }

  /** Prints a result as JSON or as an aligned table. */
  static void print(RetrievalResult r, boolean json) {
    if (json) {
      System.out.println(r.toJson());
      return;
    }
    System.out.printf(Locale.ROOT, "items %d, queries %d (skipped %d), distance %s%n",
        r.items(), r.queries(), r.skippedQueries(), r.distance().cliName());
    System.out.printf(Locale.ROOT, "precision@1  %.4f%n", r.precisionAt1());
    for (Map.Entry<Integer, Double> e : r.recallAtK().entrySet()) {
      System.out.printf(Locale.ROOT, "recall@%-5d %.4f%n", e.getKey(), e.getValue());
    }
    System.out.printf(Locale.ROOT, "R-precision  %.4f%n", r.rPrecision());
    System.out.printf(Locale.ROOT, "MAP@R        %.4f%n", r.mapAtR());
    System.out.printf(Locale.ROOT, "MRR          %.4f%n", r.mrr());
  }
}
