package dev.negmine.text.finetune;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.negmine.core.io.NegmineFormatException;
import dev.negmine.text.retrieval.IrMetrics;
import dev.negmine.text.retrieval.RetrievalData;
import dev.negmine.text.transformer.TransformerEncoder;
import dev.negmine.train.run.RunDirectory;
import dev.negmine.train.run.RunFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The library's entry point for fine-tuning a text retriever: {@link #train} runs a
 * {@link FineTuneConfig} into a run directory and {@link #open} loads a finished run's encoder.
 *
 * <pre>{@code
 * FineTuneConfig c = FineTuneConfig.defaults("beir/scifact");
 * FineTuneSummary s = FineTuning.train(c, Path.of("runs/scifact"), FineTuning.Options.fresh(), new FineTuneListener() {});
 * try (TransformerEncoder e = FineTuning.open(Path.of("runs/scifact"))) { ... }
 * }</pre>
 *
 * <p>A run directory holds {@code retrieval.json} (the configuration), {@code checkpoint.bin}
 * while training ({@code --resume} continues from it; removed when the run ends),
 * {@code metrics.jsonl} (a line per step and evaluation), {@code model/weights.safetensors} and
 * {@code summary.json} at the end. Every file is written atomically; a fresh run that fails before
 * its first checkpoint removes its directory, a later failure keeps it for {@code --resume}.
 */
public final class FineTuning {
  public static final String WEIGHTS = "weights.safetensors";
  /** Steps between checkpoints unless given: about 4 minutes of 2-core training at the defaults (5.2 s a step on FOLDOC). */
  public static final int CHECKPOINT_EVERY = 50;

  private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting().create();

  private FineTuning() {}

  /**
   * @param resume continue the run in the directory (its configuration is read from it)
   * @param checkpointEvery steps between checkpoints (0 = epoch ends only)
   * @param collective the data-parallel group this process is a rank of ({@code Collectives.local()}
   *     alone): every rank runs the same loop on the global batch's share; rank 0 writes the run
   *     directory, the others write into a temporary one they delete (and read a resumed run's
   *     checkpoint from the run directory, so it must be on a file system every rank sees)
   */
  public record Options(boolean resume, int checkpointEvery, dev.negmine.core.distributed.Collective collective) {
    public Options(boolean resume, int checkpointEvery) {
      this(resume, checkpointEvery, dev.negmine.core.distributed.Collectives.local());
    }

    public static Options fresh() {
      return new Options(false, CHECKPOINT_EVERY);
    }
  }

  /** Runs {@code config} (or, resuming, the directory's own) into {@code dir}. */
  public static FineTuneSummary train(FineTuneConfig config, RetrievalData data, Path dir, Options options,
      FineTuneListener listener) throws IOException {
    if (options.collective().rank() > 0) {
      return follow(config, data, dir, options, listener);
    }
    long start = System.nanoTime();
    try (RunDirectory run = RunDirectory.open(dir, !options.resume())) {
      FineTuneConfig c = options.resume() ? readConfig(dir) : config;
      FineTuneRun loop = null;
      try (TransformerEncoder encoder = TransformerEncoder.pretrained(c.model())) {
        loop = new FineTuneRun(c, data, encoder, listener, options.collective());
        return train(loop, c, dir, dir, options, listener, start, encoder);
      } catch (IOException | RuntimeException | Error e) {
        if (loop != null) {
          loop.stopRefresh();
        }
        run.failed(e);
        throw e;
      }
    }
  }

  /**
   * A rank other than 0: the same loop, its files in a temporary directory deleted at the end (a
   * resumed run reads rank 0's configuration and checkpoint from {@code dir}).
   */
  private static FineTuneSummary follow(FineTuneConfig config, RetrievalData data, Path dir, Options options,
      FineTuneListener listener) throws IOException {
    long start = System.nanoTime();
    Path scratch = Files.createTempDirectory("negmine-rank" + options.collective().rank() + "-");
    try {
      FineTuneConfig c = options.resume() ? readConfig(dir) : config;
      try (TransformerEncoder encoder = TransformerEncoder.pretrained(c.model())) {
        FineTuneRun loop = new FineTuneRun(c, data, encoder, listener, options.collective());
        try {
          return train(loop, c, dir, scratch, options, listener, start, encoder);
        } finally {
          loop.stopRefresh();
        }
      }
    } finally {
      try (var files = Files.walk(scratch)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** The loop: a resumed run's checkpoint is read from {@code from}, every file written into {@code dir}. */
  private static FineTuneSummary train(FineTuneRun loop, FineTuneConfig c, Path from, Path dir, Options options,
      FineTuneListener listener, long start, TransformerEncoder encoder) throws IOException {
    Path ckpt = from.resolve(RunFiles.CHECKPOINT);
    boolean follower = !from.equals(dir); // checkpoints are rank 0's
    if (options.resume()) {
      if (!Files.exists(ckpt)) {
        throw new NegmineFormatException(ckpt, Files.exists(from.resolve(RunFiles.SUMMARY))
            ? "the run has finished; nothing to resume" : "no checkpoint to resume from");
      }
      loop.restore(FineTuneCheckpoint.read(ckpt));
      listener.onMessage("resumed at step " + loop.step() + " of " + loop.totalSteps());
    } else {
      RunFiles.writeString(dir.resolve(RunFiles.RETRIEVAL_CONFIG), GSON.toJson(c));
      loop.prepare();
      if (!follower) {
        save(loop, dir);
      }
    }
    listener.onStart(loop.step(), loop.totalSteps());
    long trainStart = System.nanoTime();
    long stepsBefore = loop.step();
    long tokens = 0;
    IrMetrics.Result[] last = null;
    while (loop.hasNext()) {
      FineTuneListener.StepRecord r = loop.next();
      tokens += r.tokens();
      listener.onStep(r, loop.totalSteps());
      boolean epochEnd = loop.atEpochEnd();
      if (epochEnd) {
        boolean finalStep = !loop.hasNext();
        last = loop.evaluateNow(finalStep);
        int epoch = loop.epochOfLastStep();
        loop.record("{\"eval\": \"epoch\", \"epoch\": " + epoch + ", \"step\": " + loop.step() + ", \"dev\": "
            + (last[0] == null ? "null" : last[0].toJson()) + ", \"test\": " + (last[1] == null ? "null" : last[1].toJson()) + "}");
        if (last[0] != null) {
          listener.onEval(epoch, loop.step(), last[0]);
        }
      }
      if (!follower && (epochEnd || (options.checkpointEvery() > 0 && loop.step() % options.checkpointEvery() == 0))) {
        save(loop, dir);
      }
    }
    loop.stopRefresh();
    double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
    if (last == null) {
      last = loop.evaluateNow(true); // resumed at the very end: nothing was evaluated in this process
    }
    Files.createDirectories(dir.resolve(RunFiles.MODEL_DIR));
    encoder.save(dir.resolve(RunFiles.MODEL_DIR).resolve(WEIGHTS));
    FineTuneSummary s = FineTuneSummary.of(c, loop, last[0], last[1], loop.step() - stepsBefore, tokens, trainSeconds,
        (System.nanoTime() - start) / 1e9, dev.negmine.train.engine.TorchRuntime.threads());
    RunFiles.writeString(dir.resolve(RunFiles.METRICS), String.join("\n", loop.history()) + "\n");
    RunFiles.writeString(dir.resolve(RunFiles.SUMMARY), s.toJson());
    Files.deleteIfExists(dir.resolve(RunFiles.CHECKPOINT));
    return s;
  }

  private static void save(FineTuneRun loop, Path dir) throws IOException {
    loop.checkpoint().write(dir.resolve(RunFiles.CHECKPOINT));
    RunFiles.writeString(dir.resolve(RunFiles.METRICS), String.join("\n", loop.history()) + "\n");
  }

  /**
   * One step's forward passes, ranking loss and backward pass over {@code batch}, as a run with
   * {@code config} takes them (in one graph, or gradient-cached when {@code config.loss().cacheBatch() > 0}),
   * without the optimizer: d(loss)/d(parameter) is added to the encoder's parameter gradients.
   * What {@code negmine bench retrieval-step} measures.
   *
   * @return the loss
   */
  public static double step(FineTuneConfig config, TransformerEncoder encoder, StepBatch batch) {
    return FineTuneRun.lossStep(config).run(encoder, batch).loss();
  }

  /** Whether {@code dir} is a retrieval fine-tuning run. */
  public static boolean isRun(Path dir) {
    return dir != null && Files.isRegularFile(dir.resolve(RunFiles.RETRIEVAL_CONFIG));
  }

  /** The configuration saved in run {@code dir}. */
  public static FineTuneConfig readConfig(Path dir) throws IOException {
    Path f = dir.resolve(RunFiles.RETRIEVAL_CONFIG);
    try {
      FineTuneConfig c = GSON.fromJson(Files.readString(f, StandardCharsets.UTF_8), FineTuneConfig.class);
      if (c == null || c.schedule() == null || c.loss() == null || c.negatives() == null || c.negatives().mining() == null) {
        throw new JsonParseException("missing fields");
      }
      return c;
    } catch (JsonParseException | IllegalArgumentException e) {
      throw new NegmineFormatException(f, "not a fine-tuning configuration: " + e.getMessage());
    } catch (java.nio.file.NoSuchFileException e) {
      throw new NegmineFormatException(f, "missing: " + dir + " is not a retrieval fine-tuning run");
    }
  }

  /** The fine-tuned encoder of finished run {@code dir} (the caller closes it). */
  public static TransformerEncoder open(Path dir) throws IOException {
    FineTuneConfig c = readConfig(dir);
    Path w = dir.resolve(RunFiles.MODEL_DIR).resolve(WEIGHTS);
    if (!Files.exists(w)) {
      throw new NegmineFormatException(w, "missing: the run has not finished (resume it with --resume " + dir + ")");
    }
    TransformerEncoder e = TransformerEncoder.pretrained(c.model());
    try {
      e.load(w);
      return e;
    } catch (IOException | RuntimeException ex) {
      e.close();
      throw ex;
    }
  }

  /** The weights file of run {@code dir}. */
  public static Path weights(Path dir) {
    return dir.resolve(RunFiles.MODEL_DIR).resolve(WEIGHTS);
  }

  /** The JSON lines of run {@code dir}'s history. */
  public static List<String> history(Path dir) throws IOException {
    Path f = dir.resolve(RunFiles.METRICS);
    return Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList()
        : new ArrayList<>();
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
