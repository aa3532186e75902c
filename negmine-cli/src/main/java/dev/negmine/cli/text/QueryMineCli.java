package dev.negmine.cli.text;

import dev.negmine.cli.UserInputException;
import dev.negmine.core.io.Json;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.index.HnswParams;
import dev.negmine.text.finetune.FineTuning;
import dev.negmine.text.finetune.MiningRule;
import dev.negmine.text.mine.MinedRowsFile;
import dev.negmine.text.mine.MiningPairs;
import dev.negmine.text.mine.OutputFormat;
import dev.negmine.text.mine.QueryMining;
import dev.negmine.text.retrieval.RetrievalData;
import dev.negmine.text.transformer.Role;
import dev.negmine.text.transformer.TransformerEncoder;
import dev.negmine.text.transformer.TransformerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code negmine mine} over query -> corpus data (BEIR directory, sentence-transformers pairs
 * {@code .jsonl}, pairs {@code .tsv}, or {@code --task foldoc}): sentence-transformers' {@code
 * mine_hard_negatives} with a negmine encoder; prints its statistics table and writes the rows
 * ({@code --out FILE.jsonl}) and {@code FILE.stats.json}. Flags are parsed by the command and
 * {@link QueryMineOptions}; this class runs the job. Single-threaded apart from the search.
 */
public final class QueryMineCli {
  private QueryMineCli() {}

  /** Where the data and the encoder of a job come from, and where it writes. */
  public record Job(Path data, Path model, String textEncoder, String index, HnswParams hnsw, Double maxScore, long seed,
      Path out, boolean json, Map<String, Object> provenance) {}

  /**
   * Whether a {@code mine} invocation is query -> corpus mining: a retrieval task, a BEIR
   * directory, a fine-tuning run, or a {@code .jsonl} output (pools are directories). A pairs
   * {@code .jsonl} / {@code .tsv} with a pool directory as {@code --out} stays pool mining.
   */
  public static boolean applies(QueryMineOptions o, Path data, Path model, Path out) {
    return o.task != null || RetrievalCli.isBeir(data) || FineTuning.isRun(model)
        || (out != null && out.toString().toLowerCase(Locale.ROOT).endsWith(".jsonl"));
  }

  public static int run(QueryMineOptions o, Job job) throws IOException {
    o.validate(job.maxScore());
    Path data = job.data();
    if (job.model() != null && job.textEncoder() != null) {
      throw new UserInputException("give --model RUN or --text-encoder NAME, not both");
    }
    if (job.model() != null && !FineTuning.isRun(job.model())) {
      throw new UserInputException("--model " + job.model() + " is not a fine-tuning run: query -> corpus mining encodes text with one");
    }
    if (job.model() != null && data == null && o.task == null) {
      data = Path.of(FineTuning.readConfig(job.model()).data());
    }
    if ((data == null) == (o.task == null)) {
      throw new UserInputException("give either --data (BEIR directory, pairs .jsonl or .tsv) or --task foldoc");
    }
    if (!job.out().toString().toLowerCase(Locale.ROOT).endsWith(".jsonl")) {
      throw new UserInputException("--out must name a .jsonl file for query -> corpus mining, got " + job.out());
    }
    String kind = job.index() == null ? "exact" : job.index();
    if (!kind.equals("exact") && !kind.equals("hnsw")) {
      throw new UserInputException("--index must be exact or hnsw for query -> corpus mining, got '" + kind + "'");
    }
    Path dir = data != null ? data : RetrievalCli.taskDir(o.task);
    if (Files.exists(job.out()) && Files.isSameFile(job.out(), dir)) {
      throw new UserInputException("--out " + job.out() + " is the input data");
    }
    RetrievalData d = RetrievalData.read(dir);
    if (!d.splits().contains(o.split())) {
      throw new UserInputException("--split: " + dir + " has no judgments for '" + o.split() + "' (have " + String.join(", ", d.splits()) + ")");
    }
    MiningPairs pairs = MiningPairs.of(d, o.split());
    MiningRule rule = o.rule(job.maxScore(), pairs);
    OutputFormat format = o.format();
    FineTuneCli.useAllCores();
    if (!job.json()) {
      if (o.defaultRangeMax()) {
        System.out.println("Setting range_max to " + rule.rangeMax() + " based on the provided parameters.");
      }
      if (pairs.anchors().size() != pairs.pairRows()) {
        System.out.println("Found " + pairs.anchors().size() + " unique queries out of " + pairs.pairRows() + " total queries.");
      }
      if (pairs.maxPositives() > 1) {
        System.out.printf(Locale.ROOT, "Found an average of %.3f positives per query.%n", (double) pairs.pairRows() / pairs.anchors().size());
      }
    }
    QueryMining.Result r;
    String encoderName;
    int maxLength;
    long t0 = System.nanoTime();
    try (TransformerEncoder enc = open(job)) {
      encoderName = job.model() != null ? enc.name() + " fine-tuned (" + job.model() + ")" : enc.name();
      maxLength = o.maxLength != null ? o.maxLength : enc.maxLength();
      if (!job.json()) {
        System.err.printf(Locale.ROOT, "negmine mine: %d queries, %d documents from %s (%s); encoding with %s, max length %d...%n",
            pairs.anchors().size(), pairs.corpusTexts().size(), dir, o.split(), encoderName, maxLength);
      }
      int len = maxLength;
      Function<List<String>, FloatMatrix> queries = t -> enc.encode(t, Role.QUERY, len);
      Function<List<String>, FloatMatrix> docs = t -> enc.encode(t, Role.DOCUMENT, len);
      r = QueryMining.run(pairs, queries, docs, rule, format, o.outputScores,
          dev.negmine.text.finetune.HardNegativeMiner.index(kind, job.hnsw()), job.seed());
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> stats = r.report().toMap();
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("data", dir.toString());
    source.put("split", o.split());
    source.put("encoder", encoderName);
    source.put("max_length", maxLength);
    source.put("index", kind);
    source.put("seed", job.seed());
    source.put("output_scores", o.outputScores);
    source.put("seconds", Math.round(secs * 10) / 10.0);
    source.putAll(job.provenance());
    stats.put("source", source);
    if (job.out().toAbsolutePath().getParent() != null) {
      Files.createDirectories(job.out().toAbsolutePath().getParent());
    }
    MinedRowsFile.write(job.out(), r.rows(), stats);
    Path statsFile = MinedRowsFile.statsPath(job.out());
    if (job.json()) {
      Map<String, Object> o2 = new LinkedHashMap<>();
      o2.put("out", job.out().toString());
      o2.put("stats", statsFile.toString());
      o2.putAll(stats);
      System.out.println(Json.write(o2));
    } else {
      r.report().lines().forEach(System.out::println);
      System.out.printf(Locale.ROOT, "wrote %s: %d rows (%s%s) in %.1f s; statistics in %s%n", job.out(), r.rows().rows().size(),
          format.stName(), o.outputScores ? ", with scores" : "", secs, statsFile);
    }
    return 0;
  }

  /** The fine-tuned encoder of {@code --model}, else the trainable encoder named by {@code --text-encoder}. */
  private static TransformerEncoder open(Job job) throws IOException {
    if (job.model() != null) {
      return FineTuning.open(job.model());
    }
    String n = job.textEncoder() == null ? TransformerSpec.DEFAULT : job.textEncoder().trim().toLowerCase(Locale.ROOT);
    if (!TransformerSpec.names().contains(n)) {
      throw new UserInputException("--text-encoder: query -> corpus mining uses one of " + String.join(", ", TransformerSpec.names())
          + ", got '" + job.textEncoder() + "'");
    }
    return TransformerEncoder.pretrained(n);
  }
}
