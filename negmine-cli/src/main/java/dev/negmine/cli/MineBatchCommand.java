package dev.negmine.cli;

import dev.negmine.core.io.Json;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mining.Miner;
import dev.negmine.core.mining.MinerConfig;
import dev.negmine.core.mining.Miners;
import dev.negmine.core.mining.Triplets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code negmine mine-batch}: mines one batch of embeddings and writes the triplet rows. */
@Command(
    name = "mine-batch",
    mixinStandardHelpOptions = true,
    description =
        "Mine (anchor, positive, negative) rows from one batch of embeddings with a named miner. Writes an int64 .npy of shape (T, 3). Distances are computed on L2-normalised embeddings unless --no-normalize is given.")
final class MineBatchCommand implements Callable<Integer> {
  @Option(names = "--embeddings", required = true, paramLabel = "E.npy", description = "Float embeddings, shape (B, d).")
  Path embeddings;

  @Option(names = "--labels", required = true, paramLabel = "L.npy", description = "Integer labels, shape (B).")
  Path labels;

  @Option(names = "--ids", paramLabel = "I.npy",
      description = "Integer item ids, shape (B): rows sharing an id are never each other's negatives.")
  Path ids;

  @Option(names = "--miner", required = true, paramLabel = "NAME",
      description = "Preset: ${COMPLETION-CANDIDATES}.", completionCandidates = MinerNames.class)
  String miner;

  @Option(names = "--margin", defaultValue = "0.2", description = "Band width / margin (default ${DEFAULT-VALUE}).")
  double margin;

  @Option(names = "--distance", defaultValue = "l2", paramLabel = "l2|cosine|dot|squared-l2",
      description = "How items are compared (default ${DEFAULT-VALUE}; cos-batch-hard forces cosine).")
  String distance;

  @Option(names = "--k", defaultValue = "5", description = "Negatives per positive pair for topk-hard (default ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--no-normalize", description = "Compare raw embeddings instead of L2-normalised ones.")
  boolean noNormalize;

  @Option(names = "--max-triplets", defaultValue = "0", paramLabel = "N",
      description = "Keep at most N rows, chosen uniformly at random with --seed (0 = all).")
  long maxTriplets;

  @Option(names = "--seed", defaultValue = "0", description = "Seed for sampling miners and subsampling (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "T.npy", description = "Output .npy (int64, shape (T, 3)).")
  Path out;

  @Option(names = "--json", description = "Print a JSON summary instead of a text line.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!Miners.presets().contains(miner)) {
      throw new UserInputException("--miner: unknown preset '" + miner + "' (valid: " + String.join(", ", Miners.presets()) + ")");
    }
    Distance dist;
    try {
      dist = Distance.parse(distance);
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--distance: " + e.getMessage());
    }
    if (!(margin >= 0) || !Double.isFinite(margin)) {
      throw new UserInputException("--margin must be a finite number >= 0, got " + margin);
    }
    if (maxTriplets < 0) {
      throw new UserInputException("--max-triplets must be >= 0, got " + maxTriplets);
    }
    if (k < 1) {
      throw new UserInputException("--k must be >= 1, got " + k);
    }
    dev.negmine.core.io.OutputPaths.checkFile("--out", out, java.util.Arrays.asList(embeddings, labels, ids));
    Batch b = Batch.load(embeddings, labels, ids, dist, !noNormalize);
    b.requireTwoClasses();
    MinerConfig config = MinerConfig.builder()
        .distance(dist).normalize(!noNormalize).margin(margin).k(k)
        .maxTriplets(maxTriplets).seed(seed).build();
    Miner m = Miners.create(miner, config);
    long t0 = System.nanoTime();
    Triplets t = m.mine(b.embeddings(), b.labels(), b.ids());
    double ms = (System.nanoTime() - t0) / 1e6;
    CliIo.writeTriplets(out, t);
    if (json) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("miner", miner);
      o.put("distance", m.config().distance().cliName());
      o.put("margin", margin);
      o.put("batch", b.embeddings().rows());
      o.put("dim", b.embeddings().cols());
      o.put("triplets", t.size());
      o.put("mining_ms", Math.round(ms * 1000) / 1000.0);
      o.put("out", out.toString());
      System.out.println(Json.write(o));
    } else {
      System.out.printf(java.util.Locale.ROOT, "%s: %d triplets from %d items in %.2f ms -> %s%n",
          miner, t.size(), b.embeddings().rows(), ms, out);
    }
    return 0;
  }

  /** Miner names for picocli's completion candidates and help text. */
  static final class MinerNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Miners.presets().iterator();
    }
  }

  /** Embeddings with their labels and ids, validated together. */
  record Batch(FloatMatrix embeddings, long[] labels, long[] ids, Path embPath, Path labelPath) {
    static Batch load(Path embPath, Path labelPath, Path idPath, Distance dist, boolean normalize) throws java.io.IOException {
      FloatMatrix e = CliIo.readEmbeddings(embPath);
      long[] l = CliIo.readLabels(labelPath);
      if (l.length != e.rows()) {
        throw new UserInputException(labelPath + ": " + l.length + " labels but " + embPath + " has " + e.rows() + " rows");
      }
      long[] i = null;
      if (idPath != null) {
        i = CliIo.readLabels(idPath);
        if (i.length != e.rows()) {
          throw new UserInputException(idPath + ": " + i.length + " ids but " + embPath + " has " + e.rows() + " rows");
        }
      }
      CliIo.requireFinite(e, embPath);
      if (dist == Distance.COSINE || normalize) {
        // extreme scales are normalised in double first: cosine and unit rows do not depend on scale
        e = dev.negmine.core.io.DataChecks.cosineSafe(e, embPath.toString());
        CliIo.requireNonZeroRows(e, embPath, dist == Distance.COSINE ? "cosine is undefined" : "it cannot be L2-normalised (use --no-normalize)");
      } else {
        dev.negmine.core.io.DataChecks.requireSafeMagnitude(e, embPath.toString());
      }
      return new Batch(e, l, i, embPath, labelPath);
    }

    void requireTwoClasses() {
      if (labels.length == 0) {
        throw new UserInputException(embPath + ": the batch is empty");
      }
      long first = labels[0];
      for (long v : labels) {
        if (v != first) {
          return;
        }
      }
      throw new UserInputException(labelPath + ": all " + labels.length + " items have label " + first
          + "; mining needs at least two classes");
    }
  }
}
