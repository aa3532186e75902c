package dev.negmine.cli.text;

import dev.negmine.cli.UserInputException;
import dev.negmine.core.io.Json;
import dev.negmine.text.finetune.FineTuneConfig;
import dev.negmine.text.finetune.FineTuning;
import dev.negmine.text.finetune.MiningRule;
import dev.negmine.text.finetune.StepBatch;
import dev.negmine.text.transformer.TransformerEncoder;
import dev.negmine.text.transformer.TransformerSpec;
import dev.negmine.train.engine.TorchRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code negmine bench retrieval-step}: the time and the process's peak resident memory of
 * fine-tuning steps (forwards, ranking loss, backward; no optimizer) on a seeded batch of
 * query-document pairs, in one graph or gradient-cached ({@code --cache-batch}). The peak is the
 * kernel's high-water mark of this process ({@code VmHWM}), weights and JVM included: run one
 * configuration per process to compare them.
 */
@Command(name = "retrieval-step", mixinStandardHelpOptions = true,
    description = "Seconds and peak resident memory of retrieval fine-tuning steps (default all-MiniLM-L6-v2, 32 pairs, documents of 128 tokens), uncached or with --cache-batch.")
public final class RetrievalStepBench implements Callable<Integer> {
  @Option(names = "--text-encoder", defaultValue = TransformerSpec.DEFAULT, description = "model (default ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--pairs", defaultValue = "32", description = "query-document pairs per step, the logical batch (default ${DEFAULT-VALUE})")
  int pairs;

  @Option(names = "--hard-negatives", defaultValue = "0", description = "extra documents per query (default ${DEFAULT-VALUE}: in-batch negatives only)")
  int hardNegatives;

  @Option(names = "--cache-batch", defaultValue = "0", description = "texts per forward under gradient caching; 0 = one graph (default ${DEFAULT-VALUE})")
  int cacheBatch;

  @Option(names = "--tokens", defaultValue = "128", description = "word pieces per document, the training length (default ${DEFAULT-VALUE})")
  int tokens;

  @Option(names = "--query-words", defaultValue = "12", description = "words per query (default ${DEFAULT-VALUE})")
  int queryWords;

  @Option(names = "--steps", defaultValue = "1", description = "steps (default ${DEFAULT-VALUE})")
  int steps;

  @Option(names = "--seed", defaultValue = "42", description = "text seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  private static final String[] WORDS = ("retrieval model query document negative mining encoder transformer attention "
      + "layer weight gradient batch token vocabulary search index corpus dictionary definition computer network "
      + "protocol language compiler memory processor storage graphics database").split(" ");

  @Override
  public Integer call() {
    FineTuneCli.useAllCores(); // the thread count fine-tuning runs with
    if (steps < 1 || queryWords < 1) {
      throw new UserInputException("--steps and --query-words must be >= 1; got " + steps + ", " + queryWords);
    }
    FineTuneConfig config;
    try {
      FineTuneConfig d = FineTuneConfig.defaults("bench");
      config = new FineTuneConfig(model, "bench", pairs, tokens, seed, d.schedule(), new FineTuneConfig.Loss(20, false, cacheBatch),
          new FineTuneConfig.Negatives(hardNegatives, MiningRule.defaults(), 0));
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage().replace("--batch", "--pairs").replace("--max-length", "--tokens"));
    }
    StepBatch batch = batch();
    Map<String, Object> out = new LinkedHashMap<>();
    try (TransformerEncoder enc = TransformerEncoder.pretrained(config.model())) {
      long before = peakKb();
      List<Double> seconds = new ArrayList<>();
      double loss = Double.NaN;
      for (int s = 0; s < steps; s++) {
        long t0 = System.nanoTime();
        loss = FineTuning.step(config, enc, batch);
        seconds.add((System.nanoTime() - t0) / 1e9);
      }
      out.put("model", config.model());
      out.put("pairs", pairs);
      out.put("documents", batch.columns());
      out.put("tokens", tokens);
      out.put("cache_batch", cacheBatch);
      out.put("threads", TorchRuntime.threads());
      out.put("loss", loss);
      out.put("step_s", seconds);
      out.put("peak_rss_mb_before_steps", before < 0 ? null : before / 1024);
      out.put("peak_rss_mb", peakKb() < 0 ? null : peakKb() / 1024);
    }
    if (json) {
      System.out.println(Json.write(out));
    } else {
      System.out.printf(Locale.ROOT, "%s, %d pairs + %d hard negatives each, documents of %d tokens, %s, %d torch thread(s)%n",
          config.model(), pairs, hardNegatives, tokens, cacheBatch > 0 ? "cached, " + cacheBatch + " texts per forward" : "uncached",
          TorchRuntime.threads());
      System.out.printf(Locale.ROOT, "  loss %.4f, step seconds %s%n", (double) out.get("loss"), out.get("step_s"));
      System.out.printf(Locale.ROOT, "  peak RSS %s MB (%s MB with the model loaded, before the first step)%n",
          out.get("peak_rss_mb"), out.get("peak_rss_mb_before_steps"));
    }
    return 0;
  }

  /** Queries of {@code queryWords} seeded words, documents long enough to fill {@code tokens}; column i is query i's positive. */
  private StepBatch batch() {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> q = new ArrayList<>();
    List<String> d = new ArrayList<>();
    int columns = pairs * (1 + hardNegatives);
    for (int i = 0; i < pairs; i++) {
      q.add(words(r, queryWords));
    }
    int[] rows = new int[columns];
    for (int c = 0; c < columns; c++) {
      d.add(words(r, 2 * tokens));
      rows[c] = c;
    }
    return new StepBatch(q, d, rows, new boolean[pairs * columns]);
  }

  private static String words(SplittableRandom r, int n) {
    StringBuilder sb = new StringBuilder();
    for (int w = 0; w < n; w++) {
      sb.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
    }
    return sb.toString().trim();
  }

  /** This process's peak resident set ({@code VmHWM} of /proc/self/status) in kB, or -1 where there is none. */
  static long peakKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
