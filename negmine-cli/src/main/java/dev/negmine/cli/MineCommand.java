package dev.negmine.cli;

import dev.negmine.core.io.Json;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.pool.CandidatePool;
import dev.negmine.core.pool.PoolFiles;
import dev.negmine.core.pool.PoolManifest;
import dev.negmine.cli.train.ModelEval;
import dev.negmine.index.HnswParams;
import dev.negmine.index.NegativeFilters;
import dev.negmine.index.OfflineMiner;
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
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code negmine mine}: offline hard-negative mining over a whole corpus into a TTL'd candidate pool. */
@Command(
    name = "mine",
    mixinStandardHelpOptions = true,
    description = "Mine hard negatives offline: index the corpus embeddings (exact SIMD search or HNSW through Lucene), keep each anchor's top-K candidates with another label after the false-negative filters, and write a candidate pool (binary + JSON manifest with provenance, TTL and HNSW recall) atomically to --out.")
final class MineCommand implements Callable<Integer> {
  @Option(names = "--embeddings", description = "Corpus embeddings, (N, d) float .npy.")
  Path embeddings;

  @Option(names = "--labels", description = "One label per row, 1-D integer .npy.")
  Path labels;

  @Option(names = "--ids", description = "One item id per row, 1-D integer .npy (default: row numbers).")
  Path ids;

  @Option(names = "--model", description = "A training run directory: the corpus is encoded with its model (and preprocessing).")
  Path model;

  @Option(names = "--data", description = "With --model: the corpus (a directory, an *images-idx3-ubyte[.gz] file, or a .npy with --labels).")
  Path data;

  @Option(names = "--text-encoder", description = "Frozen text encoder for a text --data without --model (default all-minilm-l6-v2-q).")
  String textEncoder;

  @Option(names = "--max-bad-lines", description = "Malformed lines of text --data skipped before failing (default 0).")
  Integer maxBadLines;

  @Option(names = "--top", defaultValue = "200", description = "Candidates kept per anchor (default ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--index", defaultValue = "exact",
      description = "exact or hnsw (default ${DEFAULT-VALUE}: on 2 cores the SIMD scan beats HNSW at top-200 up to ~100k rows, build included).")
  String index;

  @Option(names = "--distance", defaultValue = "cosine", description = "cosine, dot, l2 or squared-l2 (default ${DEFAULT-VALUE}).")
  String distance;

  @Option(names = "--hnsw-m", defaultValue = "32", description = "HNSW M (default ${DEFAULT-VALUE}).")
  int m;

  @Option(names = "--ef-construction", defaultValue = "200", description = "HNSW build beam (default ${DEFAULT-VALUE}).")
  int efConstruction;

  @Option(names = "--ef", defaultValue = "256", description = "HNSW search beam (default ${DEFAULT-VALUE}).")
  int ef;

  @Option(names = "--exclude", split = ",", defaultValue = "same-label,same-id",
      description = "Exclusions: same-label, same-id, or none (default ${DEFAULT-VALUE}).")
  List<String> exclude;

  @Option(names = "--max-score", description = "Drop candidates whose similarity exceeds this.")
  Double maxScore;

  @ArgGroup(exclusive = true)
  Margin margin;

  static final class Margin {
    @Option(names = "--margin-absolute", description = "Keep a candidate only if its score < positive score - M.")
    Double absolute;

    @Option(names = "--margin-relative", description = "Keep a candidate only if its score < positive score * (1 - M).")
    Double relative;
  }

  @Option(names = "--ttl", defaultValue = "48h", description = "Time to live, e.g. 48h, 90m, 2d (default ${DEFAULT-VALUE}).")
  String ttl;

  @Option(names = "--recall-sample", defaultValue = "1000", description = "Anchors on which HNSW recall is measured (default ${DEFAULT-VALUE}).")
  int recallSample;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", required = true, description = "Pool directory to write.")
  Path out;

  @Option(names = "--json", description = "Print the manifest summary as JSON.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    FloatMatrix e;
    long[] l;
    Path vectorsFile;
    java.util.List<String> texts = null;
    if (data != null && embeddings == null && dev.negmine.cli.train.TextJobs.isText(null, data.toString())) {
      // a text corpus: the frozen encoder's embeddings, through a trained head when --model is given
      dev.negmine.cli.train.TextJobs.ForMining t = dev.negmine.cli.train.TextJobs.embedForMining(model, data, textEncoder, maxBadLines);
      e = t.embeddings();
      l = t.labels();
      texts = t.texts();
      Path dir = model == null ? null : Files.isDirectory(model.resolve(RunFiles.MODEL_DIR)) ? model.resolve(RunFiles.MODEL_DIR) : model;
      vectorsFile = dir == null ? null : dir.resolve(RunFiles.WEIGHTS);
    } else if (model != null || data != null) {
      if (model == null || data == null || embeddings != null) {
        throw new UserInputException("--model needs --data (and no --embeddings); or pass --embeddings and --labels");
      }
      if (!json) {
        System.err.println("negmine mine: encoding " + data + " with " + model + "...");
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
    if (!index.equals("exact") && !index.equals("hnsw")) {
      throw new UserInputException("--index must be exact or hnsw, got '" + index + "'");
    }
    long[] idArr = ids == null ? null : CliIo.readLabels(ids);
    if (idArr != null && idArr.length != e.rows()) {
      throw new UserInputException(ids + ": " + idArr.length + " ids for " + e.rows() + " embeddings");
    }
    Distance d = Distance.parse(distance);
    if (d == Distance.COSINE) {
      CliIo.requireNonZeroRows(e, embeddings != null ? embeddings : data, "cosine needs non-zero vectors");
    }
    boolean sameLabel = false;
    boolean sameId = false;
    for (String x : exclude) {
      switch (x) {
        case "same-label" -> sameLabel = true;
        case "same-id" -> sameId = true;
        case "none" -> { }
        default -> throw new UserInputException("--exclude: unknown '" + x + "' (expected same-label, same-id or none)");
      }
    }
    double marginValue = margin == null ? Double.NaN : margin.absolute != null ? margin.absolute : margin.relative;
    boolean relative = margin != null && margin.relative != null;
    NegativeFilters filters;
    HnswParams params;
    try {
      filters = new NegativeFilters(sameLabel, sameId, maxScore == null ? Double.NaN : maxScore, marginValue, relative);
      params = new HnswParams(m, efConstruction, ef, seed, Runtime.getRuntime().availableProcessors());
    } catch (IllegalArgumentException ex) {
      throw new UserInputException(ex.getMessage());
    }
    if (top < 1) {
      throw new UserInputException("--top must be >= 1, got " + top);
    }
    Duration ttlDuration = parseDuration(ttl);
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("embeddings", embeddings != null ? embeddings.toString() : "encoded from " + data + " by " + model);
    source.put("embeddings_sha256", embeddings != null ? sha256(embeddings) : "none");
    source.put("labels_sha256", labels != null ? sha256(labels) : "none");
    source.put("ids_sha256", ids == null ? "none" : sha256(ids));
    source.put("model", model == null ? "none" : model.toString());
    source.put("checkpoint_sha256", vectorsFile != null && Files.isRegularFile(vectorsFile) ? sha256(vectorsFile) : "none");
    source.put("git_revision", Provenance.gitRevision());
    source.put("negmine_version", "0.1.0");
    source.put("vector_backend", Similarities.backend());
    source.put("jdk", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
    source.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    if (!json) {
      System.err.printf(Locale.ROOT, "negmine mine: building %s index over %d x %d...%n", index, e.rows(), e.cols());
    }
    VectorIndex vi = VectorIndexes.build(index, e, idArr, d, params);
    if (!json) {
      System.err.printf(Locale.ROOT, "negmine mine: index built in %.1f s; searching %d anchors...%n",
          vi.buildTime().toNanos() / 1e9, e.rows());
    }
    CandidatePool pool;
    try {
      pool = OfflineMiner.builder().top(top).filters(filters).ttl(ttlDuration).recallSample(recallSample)
          .seed(seed).source(source).build().mine(vi, l);
    } catch (IllegalArgumentException ex) {
      throw new UserInputException(ex.getMessage());
    }
    PoolManifest written = PoolFiles.write(out, pool);
    if (texts != null) {
      dev.negmine.cli.train.TextJobs.writePoolTexts(out, texts);
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("out", out.toString());
    o.put("index", index);
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

  /** {@code 48h}, {@code 90m}, {@code 2d}, {@code 30s} or an ISO-8601 duration ({@code PT48H}). */
  static Duration parseDuration(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("p")) {
        return positive(Duration.parse(s.trim().toUpperCase(Locale.ROOT)), s);
      }
      long v = Long.parseLong(t.substring(0, t.length() - 1));
      return positive(switch (t.charAt(t.length() - 1)) {
        case 'd' -> Duration.ofDays(v);
        case 'h' -> Duration.ofHours(v);
        case 'm' -> Duration.ofMinutes(v);
        case 's' -> Duration.ofSeconds(v);
        default -> throw new NumberFormatException();
      }, s);
    } catch (RuntimeException e) {
      throw new UserInputException("--ttl: cannot read '" + s + "' (use e.g. 48h, 90m, 2d or PT48H)");
    }
  }

  private static Duration positive(Duration d, String s) {
    if (d.isNegative() || d.isZero()) {
      throw new UserInputException("--ttl must be positive, got " + s);
    }
    return d;
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
