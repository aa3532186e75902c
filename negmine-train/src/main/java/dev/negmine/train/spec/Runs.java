package dev.negmine.train.spec;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.metrics.RetrievalConfig;
import dev.negmine.core.metrics.RetrievalMetrics;
import dev.negmine.core.metrics.RetrievalResult;
import dev.negmine.core.mining.Miners;
import dev.negmine.train.Evaluator;
import dev.negmine.train.MinerFactory;
import dev.negmine.train.TrainConfig;
import dev.negmine.train.data.DataSources;
import dev.negmine.core.data.LabeledData;
import dev.negmine.train.run.RunListener;
import dev.negmine.train.run.RunSummary;
import dev.negmine.train.run.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The library's entry point for a whole run: load the spec's data, train, evaluate every epoch,
 * and save the run directory (spec, config, checkpoints, metrics, summary) as {@code negmine train}
 * does. Text data goes through negmine-text, which prepares its own {@link Job}.
 *
 * <pre>{@code
 * RunSummary s = Runs.train(RunSpec.builder().recipe("facenet").encoder("mlp").epochs(2).build(),
 *     Path.of("runs/java"));
 * }</pre>
 */
public final class Runs {
  /** negmine-core's miners by preset name. */
  public static final MinerFactory MINERS = Miners::create;

  /** Cosine retrieval metrics, each item querying all others. */
  public static final Evaluator EVALUATOR = (emb, labels) -> metrics(
      RetrievalMetrics.evaluate(emb, labels, RetrievalConfig.defaults().withDistance(Distance.COSINE)));

  /**
   * A run's resolved configuration and data.
   *
   * @param trainIds item id per training row (pools name items by these: row numbers of the data)
   */
  public record Job(TrainConfig config, LabeledData train, LabeledData eval, String description, long[] trainIds) {}

  private Runs() {}

  /** Trains {@code spec} into the new run directory {@code dir}, without progress output. */
  public static RunSummary train(RunSpec spec, Path dir) throws IOException {
    return train(spec, dir, RunListener.NONE);
  }

  /**
   * Trains {@code spec} into the new run directory {@code dir}; everything is validated before the
   * directory is created.
   */
  public static RunSummary train(RunSpec spec, Path dir, RunListener listener) throws IOException {
    if (Files.exists(dir.resolve(RunSpec.FILE)) || Files.exists(dir.resolve("config.json"))) {
      throw new IllegalArgumentException(dir + " already holds a run; choose another directory or resume it");
    }
    Job job = prepare(spec);
    spec.save(dir);
    return run(job, dir).listener(listener).build().run();
  }

  /** A run builder for {@code job} in {@code dir} with the library's miners and evaluator. */
  public static TrainingRun.Builder run(Job job, Path dir) {
    return TrainingRun.builder().dir(dir).config(job.config()).train(job.train()).eval(job.eval())
        .dataDescription(job.description()).miners(MINERS).evaluator(EVALUATOR).trainIds(job.trainIds());
  }

  /**
   * Loads a non-text spec's data: the bundled Fashion-MNIST split when no data is given, else the
   * data and either its evaluation data or a seeded validation split; resolves the configuration.
   */
  public static Job prepare(RunSpec spec) throws IOException {
    if (spec.isText()) {
      throw new IllegalArgumentException("text data and tasks are prepared by negmine-text (the CLI's train command)");
    }
    LabeledData all = load(spec.data(), spec.labels());
    LabeledData train;
    LabeledData eval;
    long[] ids;
    if (spec.evalData() != null) {
      train = all;
      eval = load(spec.evalData(), spec.evalLabels());
      ids = java.util.stream.LongStream.range(0, all.size()).toArray();
    } else {
      // item ids are row numbers of the data, so pools mined over it line up with the train split
      int[][] rows = DataSources.splitRows(all, spec.valFraction(), spec.seed());
      train = all.subset(rows[0], "train split");
      eval = all.subset(rows[1], "validation split");
      ids = java.util.Arrays.stream(rows[0]).asLongStream().toArray();
    }
    String description = (spec.data() == null ? DataSources.BUNDLED : spec.data()) + (spec.evalData() == null
        ? " (validation " + spec.valFraction() + " held out)" : " / eval " + spec.evalData());
    return new Job(SpecResolver.toConfig(spec, train), train, eval, description, ids);
  }

  /** The data at {@code path} (bundled data when null). */
  public static LabeledData load(String path, String labels) throws IOException {
    if (path == null) {
      if (labels != null) {
        throw new IllegalArgumentException("--labels needs --data");
      }
      return DataSources.bundled();
    }
    LabeledData d = DataSources.load(Path.of(path), labels == null ? null : Path.of(labels));
    // NaN / Inf rows would embed to NaN (embed, eval) or poison training: refused, naming the file
    dev.negmine.core.io.DataChecks.requireFiniteRows(d.features(), path);
    return d;
  }

  /** MAP@R, P@1, R-precision and MRR by name. */
  public static Map<String, Double> metrics(RetrievalResult r) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("map_at_r", r.mapAtR());
    m.put("p_at_1", r.precisionAt1());
    m.put("r_precision", r.rPrecision());
    m.put("mrr", r.mrr());
    return m;
  }
}
