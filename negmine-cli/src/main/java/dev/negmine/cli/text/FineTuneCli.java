package dev.negmine.cli.text;

import dev.negmine.text.finetune.FineTuneConfig;
import dev.negmine.text.finetune.FineTuneListener;
import dev.negmine.text.finetune.FineTuneSummary;
import dev.negmine.text.finetune.FineTuning;
import dev.negmine.text.retrieval.IrMetrics;
import dev.negmine.text.retrieval.RetrievalData;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code negmine train} on retrieval data: fine-tunes the transformer ({@link FineTuning}), shows
 * progress (step, loss, tokens/s, ETA) on stderr and prints the frozen and fine-tuned scores.
 */
public final class FineTuneCli {
  private FineTuneCli() {}

  /**
   * Uses every core for PyTorch's intra-op threads unless the user chose: a transformer's matrix
   * products are large enough to gain from them, unlike the small image models (one thread each).
   * Must run before the engine loads.
   */
  public static void useAllCores() {
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
    }
  }

  /** The retrieval data of {@code config} (a BEIR directory, JSONL or TSV). */
  public static RetrievalData data(FineTuneConfig config) throws IOException {
    return RetrievalData.read(Path.of(config.data()));
  }

  /** Trains into {@code dir} (resuming: the directory's configuration; {@code config} may be null). */
  public static FineTuneSummary train(FineTuneConfig config, Path dir, boolean resume, int checkpointEvery, boolean progress,
      PrintStream err) throws IOException {
    return train(config, dir, resume, checkpointEvery, progress, err, dev.negmine.core.distributed.Collectives.local());
  }

  /** As above, as one rank of a data-parallel group ({@code FineTuning.Options}). */
  public static FineTuneSummary train(FineTuneConfig config, Path dir, boolean resume, int checkpointEvery, boolean progress,
      PrintStream err, dev.negmine.core.distributed.Collective group) throws IOException {
    FineTuneConfig c = resume ? FineTuning.readConfig(dir) : config;
    RetrievalData data = data(c);
    return FineTuning.train(c, data, dir, new FineTuning.Options(resume, checkpointEvery, group), new Progress(err, progress, ""));
  }

  /** Progress lines on stderr: a line per phase and evaluation, and per step every few seconds. */
  public static final class Progress implements FineTuneListener {
    private final PrintStream err;
    private final boolean steps;
    private final String prefix;
    private long startStep;
    private long started;
    private long lastLine;
    private long tokens;

    public Progress(PrintStream err, boolean steps, String prefix) {
      this.err = err;
      this.steps = steps;
      this.prefix = prefix;
    }

    @Override
    public void onPhase(String what) {
      err.println(prefix + what + " ...");
    }

    @Override
    public void onStart(long step, long total) {
      startStep = step;
      started = System.nanoTime();
      err.printf(Locale.ROOT, "%straining: %d steps%s%n", prefix, total - step, step > 0 ? " (from step " + step + ")" : "");
    }

    @Override
    public void onStep(StepRecord r, long total) {
      tokens += r.tokens();
      long now = System.nanoTime();
      if (!steps || (now - lastLine < 10_000_000_000L && r.step() != total && r.step() != startStep + 1)) {
        return;
      }
      lastLine = now;
      double secs = (now - started) / 1e9;
      long done = r.step() - startStep;
      double eta = done > 0 ? secs / done * (total - r.step()) : 0;
      err.printf(Locale.ROOT, "%sstep %d/%d  epoch %d  loss %.4f  lr %.2e  grad %.2f  %.0f tokens/s  elapsed %s  ETA %s%n", prefix,
          r.step(), total, r.epoch(), r.loss(), r.learningRate(), r.gradNorm(), tokens / Math.max(1e-9, secs), clock(secs), clock(eta));
    }

    @Override
    public void onEval(int epoch, long step, IrMetrics.Result dev) {
      err.printf(Locale.ROOT, "%s%s: validation nDCG@10 %.4f  MRR@10 %.4f  Recall@100 %.4f (%d queries)%n", prefix,
          epoch == 0 ? "frozen model" : "epoch " + epoch, dev.ndcg10(), dev.mrr10(), dev.recall100(), dev.queries());
    }

    @Override
    public void onMessage(String message) {
      err.println(prefix + message);
    }

    static String clock(double s) {
      long t = Math.round(s);
      return t >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, t / 60 % 60) : String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
    }
  }

  /** The result lines {@code train} prints. */
  public static void print(FineTuneSummary s, PrintStream out) {
    out.printf(Locale.ROOT, "fine-tuned %s: %d steps, %.1f s training (%.0f tokens/s, %d threads)%n", s.model(), s.steps(),
        s.cost().trainSeconds(), s.cost().tokens() / Math.max(1e-9, s.cost().trainSeconds()), s.cost().threads());
    String[] names = {s.devSplit() == null ? "validation" : "validation (" + s.devSplit() + ")", "test"};
    for (int i = 0; i < 2; i++) {
      IrMetrics.Result f = s.frozen()[i];
      IrMetrics.Result t = s.tuned()[i];
      if (f != null && t != null) {
        out.printf(Locale.ROOT, "%-28s nDCG@10 frozen %.4f -> fine-tuned %.4f (%+.4f)%n", names[i], f.ndcg10(), t.ndcg10(),
            t.ndcg10() - f.ndcg10());
      }
    }
  }
}
