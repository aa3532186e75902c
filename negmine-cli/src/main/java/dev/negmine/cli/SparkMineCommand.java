package dev.negmine.cli;

import dev.negmine.core.data.LabeledData;
import dev.negmine.core.io.Json;
import dev.negmine.index.SyntheticCorpus;
import dev.negmine.spark.MineInput;
import dev.negmine.spark.SparkMineConfig;
import dev.negmine.spark.SparkMineJob;
import dev.negmine.spark.SparkMineResult;
import dev.negmine.train.data.DataSources;
import dev.negmine.train.run.RunFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code negmine spark-mine}: {@code negmine mine} on Apache Spark. Holds no Spark types, so the
 * CLI loads Spark only when this command runs (the jars come from {@code target/spark-lib}, which
 * {@code bin/negmine} adds for this command alone, or from spark-submit).
 */
@Command(
    name = "spark-mine",
    mixinStandardHelpOptions = true,
    description = "Mine hard negatives offline on Apache Spark: the pool negmine mine writes (same format, same "
        + "filters; identical arrays with --index exact), computed over corpus shards. Runs embedded with "
        + "--master local[*] by default, or on any Spark master; also the spark-submit entry point "
        + "(main class dev.negmine.cli.SparkSubmitMain).")
final class SparkMineCommand implements Callable<Integer> {
  @Option(names = "--embeddings", split = ",",
      description = "Corpus embeddings: (N, d) float .npy files or directories of them (shards, in name order).")
  List<Path> embeddings;

  @Option(names = "--labels", split = ",", description = "Labels: 1-D integer .npy, one per embeddings shard (files or directories).")
  List<Path> labels;

  @Option(names = "--ids", split = ",", description = "Item ids: 1-D integer .npy, one per shard (default: row numbers).")
  List<Path> ids;

  @Option(names = "--parquet", description = "Parquet corpus (file, directory or glob): columns id, label and embedding (or features with --model).")
  String parquet;

  @Option(names = "--id-column", defaultValue = "id", description = "Parquet id column, or 'none' for row numbers (default ${DEFAULT-VALUE}).")
  String idColumn;

  @Option(names = "--label-column", defaultValue = "label", description = "Parquet label column (default ${DEFAULT-VALUE}).")
  String labelColumn;

  @Option(names = "--vector-column", description = "Parquet vector column (default: embedding, or features with --model).")
  String vectorColumn;

  @Option(names = "--model", description = "A training run directory: its model encodes the features on the executors.")
  Path model;

  @Option(names = "--data", description = "With --model: a corpus loaded by the driver (directory, IDX file, or .npy with --labels; default: the data the run trained on).")
  Path data;

  @Option(names = "--synthetic", description = "A seeded clustered corpus ROWSxDIM (e.g. 1000000x64), for benchmarks.")
  String synthetic;

  @Option(names = "--clusters", defaultValue = "1000", description = "Clusters (labels) of --synthetic (default ${DEFAULT-VALUE}).")
  int clusters;

  @Option(names = "--spread", defaultValue = "0.06", description = "Noise of --synthetic per coordinate (default ${DEFAULT-VALUE}).")
  double spread;

  @Mixin
  PoolMiningOptions mining;

  @Option(names = "--index", defaultValue = "exact",
      description = "exact, ivf (k-means partitions; each anchor block is scanned partition by partition) or hnsw, one index per shard (default ${DEFAULT-VALUE}).")
  String index;

  @Option(names = "--shards", defaultValue = "2", description = "Corpus shards, one index each (default ${DEFAULT-VALUE}).")
  int shards;

  @Option(names = "--block-rows", description = "Anchors per query block (default 1024; 65536 with --index ivf, which "
      + "scans each partition once for all of a block's anchors that probe it).")
  Integer blockRows;

  @Option(names = "--max-bad-rows", defaultValue = "0",
      description = "Bad input rows (wrong dimension, missing label or vector, NaN/Inf, zero under cosine) tolerated: counted, reported and left out; one more fails the job (default ${DEFAULT-VALUE}).")
  long maxBadRows;

  @Option(names = "--dim", defaultValue = "0", description = "Expected vector length (default: the first shard's, or Parquet's most common).")
  int dim;

  @Option(names = "--master", description = "Spark master URL (default: spark-submit's, else local[*]).")
  String master;

  @Option(names = "--out", required = true, description = "Pool directory (or, with --output parts, parts directory) to write, replaced atomically.")
  Path out;

  @Option(names = "--output", defaultValue = "pool",
      description = "pool: the driver assembles and writes the pool directory; parts: the executors write Parquet "
          + "parts plus the manifest (nothing per candidate on the driver), converted by negmine pool import "
          + "(default ${DEFAULT-VALUE}).")
  String output;

  @Option(names = "--json", description = "Print the summary (stage times, counts, throughput) as JSON.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    try {
      Class.forName("org.apache.spark.sql.SparkSession", false, getClass().getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new UserInputException("Spark is not on the class path: run it as bin/negmine spark-mine (which adds "
          + "negmine-cli/target/spark-lib) or through spark-submit");
    }
    mining.validate();
    OutputGuards.sparkMaster(master);
    OutputGuards.poolDir(out, OutputGuards.paths(embeddings, labels, ids, model, data, parquet == null ? null : Path.of(parquet)));
    Map<String, Object> source = new LinkedHashMap<>();
    MineInput input = input(source);
    PoolMiningOptions.putProvenance(source);
    SparkMineConfig cfg = SparkMineConfig.builder(input, out)
        .model(model)
        .index(index)
        .distance(mining.distance())
        .hnsw(mining.hnsw(1))
        .ivfProbes(mining.ivfProbes)
        .top(mining.top())
        .filters(mining.filters())
        .ttl(mining.ttl())
        .recallSample(mining.recallSample)
        .seed(mining.seed)
        .shards(shards)
        .blockRows(blockRows != null ? blockRows : index.equals("ivf") ? 65_536 : 1024)
        .maxBadRows(maxBadRows)
        .dimension(dim)
        .master(master)
        .output(output)
        .source(source)
        .build();
    SparkMineResult r = SparkMineJob.run(cfg, msg -> {
      if (!json) {
        System.err.println("negmine spark-mine: " + msg);
      }
    });
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("out", out.toString());
    o.put("output", output);
    o.put("master", r.master());
    o.put("index", index);
    o.put("shards", r.shards());
    o.put("rows", r.rows());
    o.put("stage_seconds", r.stageSeconds());
    o.put("stage_cpu_seconds", r.stageCpuSeconds());
    o.put("total_seconds", r.totalSeconds());
    o.put("rows_per_second", Math.round(r.rows() / Math.max(1e-9, r.totalSeconds())));
    o.put("bad_rows", r.badRows().byReason());
    o.put("recall", r.manifest().recall());
    o.put("counts", r.manifest().counts());
    o.put("created_at", r.manifest().createdAt().toString());
    o.put("expires_at", r.manifest().expiresAt().toString());
    if (json) {
      System.out.println(Json.write(o));
    } else {
      StringBuilder st = new StringBuilder();
      r.stageSeconds().forEach((k, v) -> st.append(String.format(Locale.ROOT, " %s %.1fs", k, v)));
      System.out.printf(Locale.ROOT, "wrote %s: %s anchors, %s candidates, recall %.4f, expires %s%n", out,
          r.manifest().counts().get("anchors"), r.manifest().counts().get("candidates"), r.manifest().recall(),
          r.manifest().expiresAt());
      System.out.printf(Locale.ROOT, "stages:%s; total %.1f s (%d rows/s) on %s%n", st, r.totalSeconds(),
          Math.round(r.rows() / Math.max(1e-9, r.totalSeconds())), r.master());
    }
    return 0;
  }

  private MineInput input(Map<String, Object> source) throws IOException {
    int kinds = (embeddings != null ? 1 : 0) + (parquet != null ? 1 : 0) + (synthetic != null ? 1 : 0);
    if (model != null && kinds == 0 && data == null) {
      // the data the run trained on (its spec), else the bundled split
      dev.negmine.cli.train.ModelEval.RunData rd = dev.negmine.cli.train.ModelEval.runData(model);
      if (rd.task() != null) {
        throw new UserInputException(model + " trained on --task " + rd.task() + ": give --embeddings or --parquet");
      }
      LabeledData d = rd.data() == null ? DataSources.bundled() : DataSources.load(rd.data(), rd.labels());
      source.put("model", model.toString());
      source.put("embeddings", "encoded from " + d.source() + " by " + model);
      putCheckpoint(source);
      return new MineInput.InMemory(d.features(), d.labels(), null, d.source());
    }
    if (kinds + (data != null ? 1 : 0) != 1) {
      throw new UserInputException("give one corpus: --embeddings E.npy --labels L.npy, --parquet PATH, "
          + "--model RUN --data PATH, or --synthetic ROWSxDIM");
    }
    if (data != null && model == null) {
      throw new UserInputException("--data needs --model (or pass --embeddings and --labels)");
    }
    source.put("model", model == null ? "none" : model.toString());
    putCheckpoint(source);
    if (synthetic != null) {
      String[] p = synthetic.toLowerCase(Locale.ROOT).split("x");
      int rows;
      int cols;
      try {
        rows = Integer.parseInt(p[0].replace("_", ""));
        cols = Integer.parseInt(p[1]);
      } catch (RuntimeException e) {
        throw new UserInputException("--synthetic: expected ROWSxDIM such as 1000000x64, got '" + synthetic + "'");
      }
      SyntheticCorpus c = SyntheticCorpus.clustered(rows, cols, clusters, spread, mining.seed);
      source.put("embeddings", "synthetic " + rows + "x" + cols + ", " + clusters + " clusters, spread " + spread + ", seed " + mining.seed);
      return new MineInput.InMemory(c.vectors(), c.labels(), null, "synthetic corpus");
    }
    if (data != null) {
      LabeledData d = DataSources.load(data, labels == null || labels.isEmpty() ? null : labels.get(0));
      source.put("embeddings", "encoded from " + data + " by " + model);
      return new MineInput.InMemory(d.features(), d.labels(), null, d.source());
    }
    if (parquet != null) {
      source.put("embeddings", parquet);
      String vc = vectorColumn != null ? vectorColumn : model != null ? "features" : "embedding";
      return new MineInput.Parquet(parquet, idColumn.equals("none") ? null : idColumn, labelColumn, vc);
    }
    if (labels == null) {
      throw new UserInputException("--embeddings needs --labels");
    }
    List<Path> e = expand(embeddings);
    List<Path> l = expand(labels);
    List<Path> i = ids == null ? List.of() : expand(ids);
    source.put("embeddings", e.size() == 1 ? e.get(0).toString() : e.size() + " shards: " + e.get(0) + " ...");
    source.put("embeddings_sha256", e.size() == 1 ? MineCommand.sha256(e.get(0)) : "per shard, not computed");
    source.put("labels_sha256", l.size() == 1 ? MineCommand.sha256(l.get(0)) : "per shard, not computed");
    source.put("ids_sha256", i.isEmpty() ? "none" : i.size() == 1 ? MineCommand.sha256(i.get(0)) : "per shard, not computed");
    return new MineInput.NpyFiles(e, l, i);
  }

  private void putCheckpoint(Map<String, Object> source) throws IOException {
    if (model != null) {
      Path dir = Files.isDirectory(model.resolve(RunFiles.MODEL_DIR)) ? model.resolve(RunFiles.MODEL_DIR) : model;
      Path weights = dir.resolve(RunFiles.WEIGHTS);
      source.put("checkpoint_sha256", Files.isRegularFile(weights) ? MineCommand.sha256(weights) : "none");
    }
  }

  /** Files as given; a directory stands for its *.npy files in name order. */
  private static List<Path> expand(List<Path> paths) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(x -> x.getFileName().toString().endsWith(".npy")).sorted().forEach(out::add);
        }
      } else if (Files.isRegularFile(p)) {
        out.add(p);
      } else {
        throw new UserInputException(p + ": no such file or directory");
      }
    }
    return out;
  }
}
