package dev.negmine.cli;

import dev.negmine.core.io.Json;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.pool.CandidatePool;
import dev.negmine.core.pool.PoolFiles;
import dev.negmine.core.pool.PoolManifest;
import dev.negmine.cli.train.ModelEval;
import dev.negmine.index.HnswParams;
import dev.negmine.index.NegativeFilters;
import dev.negmine.index.OfflineMiner;
import dev.negmine.index.RecallPlanner;
import dev.negmine.index.VectorIndex;
import dev.negmine.index.VectorIndexes;
import dev.negmine.train.run.RunFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code negmine mine}: offline hard-negative mining over a whole corpus into a TTL'd candidate
 * pool; or, over query -> corpus data, sentence-transformers' {@code mine_hard_negatives} into a
 * JSONL dataset ({@link dev.negmine.cli.text.QueryMineCli}).
 */
@Command(
    name = "mine",
    mixinStandardHelpOptions = true,
    description = "Mine hard negatives offline: index the corpus embeddings (exact SIMD search or HNSW through Lucene), keep each anchor's top-K candidates with another label after the false-negative filters, and write a candidate pool (binary + JSON manifest with provenance, TTL and HNSW recall) atomically to --out. "
        + "Over query -> corpus data (--data BEIR_DIR | pairs .jsonl/.tsv, or --task foldoc, with --out FILE.jsonl): sentence-transformers' mine_hard_negatives "
        + "(--range-min/--range-max, --min-score/--max-score, --absolute-margin, --relative-margin, --num-negatives, --sampling-strategy, --output-format, --output-scores), "
        + "its statistics table printed and written to FILE.stats.json.")
final class MineCommand implements Callable<Integer> {
  @Option(names = "--embeddings", description = "Corpus embeddings, (N, d) float .npy.")
  Path embeddings;

  @Option(names = "--labels", description = "One label per row, 1-D integer .npy.")
  Path labels;

  @Option(names = "--ids", description = "One item id per row, 1-D integer .npy (default: row numbers).")
  Path ids;

  @Option(names = "--model", description = "A training run directory: the corpus is encoded with its model (and preprocessing).")
  Path model;

  @Option(names = "--data", description = "With --model: the corpus (a directory, an *images-idx3-ubyte[.gz] file, or a .npy with --labels; default: the data the run trained on).")
  Path data;

  @Option(names = "--text-encoder", description = "Frozen text encoder for a text --data without --model (default all-minilm-l6-v2-q).")
  String textEncoder;

  @Option(names = "--max-bad-lines", description = "Malformed lines of text --data skipped before failing (default 0).")
  Integer maxBadLines;

  @Mixin
  PoolMiningOptions mining;

  @Mixin
  dev.negmine.cli.text.QueryMineOptions query;

  @Option(names = "--index",
      description = "exact, ivf or hnsw (default exact: the SIMD self-join; with --recall chosen from the corpus size).")
  String index;

  @Option(names = "--recall",
      description = "Recall target in (0, 1]: exact up to 20000 rows or at 1, else IVF tuned on a sample to reach it (exact if it cannot); the choice is reported.")
  Double recall;

  @Option(names = "--out", required = true, description = "Pool directory to write.")
  Path out;

  @Option(names = "--json", description = "Print the manifest summary as JSON.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (dev.negmine.cli.text.QueryMineCli.applies(query, data, model, out)) {
      return mineQueries();
    }
    if (!query.given().isEmpty()) {
      throw new UserInputException(query.given().get(0) + " is for query -> corpus data (--data BEIR_DIR | pairs .jsonl/.tsv, or --task foldoc, with --out FILE.jsonl)");
    }
    mining.validate();
    OutputGuards.poolDir(out, embeddings, labels, ids, model, data);
    FloatMatrix e;
    long[] l;
    Path vectorsFile;
    java.util.List<String> texts = null;
    boolean runData = model != null && data == null && embeddings == null;
    if (runData) {
      // the corpus the run trained on (its ids are that data's row numbers, as training expects)
      dev.negmine.cli.train.ModelEval.RunData rd = dev.negmine.cli.train.ModelEval.runData(model);
      if (rd.task() != null) {
        throw new UserInputException(model + " trained on --task " + rd.task() + ": give --data to mine");
      }
      data = rd.data();
      labels = rd.labels();
    }
    if (data != null && embeddings == null && dev.negmine.cli.train.TextJobs.isText(null, data.toString())) {
      // a text corpus: the frozen encoder's embeddings, through a trained head when --model is given
      dev.negmine.cli.train.TextJobs.ForMining t = dev.negmine.cli.train.TextJobs.embedForMining(model, data, textEncoder, maxBadLines);
      e = t.embeddings();
      l = t.labels();
      texts = t.texts();
      Path dir = model == null ? null : Files.isDirectory(model.resolve(RunFiles.MODEL_DIR)) ? model.resolve(RunFiles.MODEL_DIR) : model;
      vectorsFile = dir == null ? null : dir.resolve(RunFiles.WEIGHTS);
    } else if (model != null || data != null) {
      if (model == null || (data == null && !runData) || embeddings != null) {
        throw new UserInputException("--model needs --data (and no --embeddings); or pass --embeddings and --labels");
      }
      if (!json) {
        System.err.println("negmine mine: encoding " + (data == null ? "the bundled data" : data) + " with " + model + "...");
      }
      ModelEval.Embedded enc = ModelEval.embed(model, data, labels);
      e = enc.embeddings();
      l = enc.labels();
      Path dir = Files.isDirectory(model.resolve(RunFiles.MODEL_DIR)) ? model.resolve(RunFiles.MODEL_DIR) : model;
      vectorsFile = dir.resolve(RunFiles.WEIGHTS);
    } else {
      if (embeddings == null || labels == null) {
        throw new UserInputException("--embeddings and --labels are required (or --model RUN --data PATH)");
      }
      e = CliIo.readEmbeddings(embeddings);
      CliIo.requireFinite(e, embeddings);
      l = CliIo.readLabels(labels);
      if (l.length != e.rows()) {
        throw new UserInputException(labels + ": " + l.length + " labels for " + e.rows() + " embeddings in " + embeddings);
      }
      vectorsFile = null;
    }
    if (recall != null && index != null) {
      throw new UserInputException("--recall chooses the index itself; drop --index " + index);
    }
    if (recall != null && !(recall > 0 && recall <= 1)) {
      throw new UserInputException("--recall must be in (0, 1], got " + recall);
    }
    if (recall != null && mining.recallSample < 1) {
      throw new UserInputException("--recall measures recall on --recall-sample anchors; it must be >= 1, got " + mining.recallSample);
    }
    String kind = index == null ? "exact" : index;
    if (!kind.equals("exact") && !kind.equals("hnsw") && !kind.equals("ivf")) {
      throw new UserInputException("--index must be exact, ivf or hnsw, got '" + index + "'");
    }
    long[] idArr = ids == null ? null : CliIo.readLabels(ids);
    if (idArr != null && idArr.length != e.rows()) {
      throw new UserInputException(ids + ": " + idArr.length + " ids for " + e.rows() + " embeddings");
    }
    Distance d = mining.distance();
    e = OutputGuards.checkedData(e, l, embeddings != null ? embeddings : data, labels, d);
    NegativeFilters filters = mining.filters();
    HnswParams params = mining.hnsw(Runtime.getRuntime().availableProcessors());
    int top = mining.top();
    Duration ttlDuration = mining.ttl();
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("embeddings", embeddings != null ? embeddings.toString() : "encoded from " + data + " by " + model);
    source.put("embeddings_sha256", embeddings != null ? sha256(embeddings) : "none");
    source.put("labels_sha256", labels != null ? sha256(labels) : "none");
    source.put("ids_sha256", ids == null ? "none" : sha256(ids));
    source.put("model", model == null ? "none" : model.toString());
    if (texts != null) {
      source.put(dev.negmine.cli.train.TextJobs.TEXTS_SHA256, dev.negmine.cli.train.TextJobs.textsSha256(texts));
    }
    source.put("checkpoint_sha256", vectorsFile != null && Files.isRegularFile(vectorsFile) ? sha256(vectorsFile) : "none");
    PoolMiningOptions.putProvenance(source);
    RecallPlanner.Plan plan = null;
    VectorIndex vi;
    if (recall != null) {
      if (!json) {
        System.err.printf(Locale.ROOT, "negmine mine: choosing the index for recall %.4f over %d x %d...%n", recall, e.rows(), e.cols());
      }
      plan = RecallPlanner.plan(e, idArr, l, d, filters, top, recall, mining.recallSample, mining.seed, params.buildThreads());
      vi = plan.index();
      kind = vi.kind();
      source.put("index_choice", plan.reason());
      if (!json) {
        System.err.println("negmine mine: " + plan.reason());
      }
    } else {
      if (!json) {
        System.err.printf(Locale.ROOT, "negmine mine: building %s index over %d x %d...%n", kind, e.rows(), e.cols());
      }
      vi = VectorIndexes.build(kind, e, idArr, d, params, mining.ivfProbes);
    }
    if (!json) {
      System.err.printf(Locale.ROOT, "negmine mine: index built in %.1f s; searching %d anchors...%n",
          vi.buildTime().toNanos() / 1e9, e.rows());
    }
    CandidatePool pool;
    try {
      pool = OfflineMiner.builder().top(top).filters(filters).ttl(ttlDuration).recallSample(mining.recallSample)
          .seed(mining.seed).source(source).build().mine(vi, l);
    } catch (IllegalArgumentException ex) {
      throw new UserInputException(ex.getMessage());
    }
    java.util.List<String> poolTexts = texts;
    PoolManifest written = PoolFiles.write(out, pool,
        poolTexts == null ? null : tmp -> {
          dev.negmine.cli.train.TextJobs.writePoolTexts(tmp, poolTexts);
          return null;
        });
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("out", out.toString());
    o.put("index", kind);
    if (plan != null) {
      o.put("index_choice", plan.describe());
    }
    o.put("build_s", Math.round(vi.buildTime().toMillis() / 100.0) / 10.0);
    o.put("recall", written.recall());
    o.put("counts", written.counts());
    o.put("created_at", written.createdAt().toString());
    o.put("expires_at", written.expiresAt().toString());
    if (json) {
      System.out.println(Json.write(o));
    } else {
      System.out.printf(Locale.ROOT, "wrote %s: %s anchors, %s candidates, recall %.4f, expires %s%n", out,
          written.counts().get("anchors"), written.counts().get("candidates"), written.recall(), written.expiresAt());
    }
    return 0;
  }

  /** Query -> corpus mining; the pool-only inputs are refused rather than ignored. */
  private int mineQueries() throws IOException {
    Object[][] poolOnly = {{"--embeddings", embeddings}, {"--labels", labels}, {"--ids", ids}, {"--recall", recall},
        {"--max-bad-lines", maxBadLines}, {"--margin-absolute / --margin-relative (use --absolute-margin / --relative-margin)", mining.margin}};
    for (Object[] o : poolOnly) {
      if (o[1] != null) {
        throw new UserInputException(o[0] + " is for pool mining, not query -> corpus data");
      }
    }
    Map<String, Object> provenance = new LinkedHashMap<>();
    PoolMiningOptions.putProvenance(provenance);
    return dev.negmine.cli.text.QueryMineCli.run(query, new dev.negmine.cli.text.QueryMineCli.Job(data, model, textEncoder, index,
        mining.hnsw(Runtime.getRuntime().availableProcessors()), mining.maxScore, mining.seed, out, json, provenance));
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      byte[] buf = new byte[1 << 16];
      while (in.read(buf) >= 0) {
        // digesting
      }
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
