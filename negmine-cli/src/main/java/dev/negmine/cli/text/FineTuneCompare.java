package dev.negmine.cli.text;

import dev.negmine.core.io.Json;
import dev.negmine.text.finetune.FineTuneConfig;
import dev.negmine.text.finetune.FineTuneSummary;
import dev.negmine.text.finetune.FineTuning;
import dev.negmine.text.retrieval.IrMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code negmine compare} on retrieval data: fine-tunes each arm ({@code hard}: mined hard
 * negatives plus in-batch ones; {@code in-batch}: in-batch negatives alone) with seeds 1..N at the
 * same steps, and tabulates test nDCG@10 (validation where there is no test split) against the
 * frozen model: {@code compare.md}, {@code compare.json}, one run directory per arm and seed.
 */
public final class FineTuneCompare {
  private FineTuneCompare() {}

  /** An arm: a name and its configuration for a seed. */
  public interface Arm {
    String name();

    FineTuneConfig config(long seed);
  }

  /** One finished run of an arm. */
  record Outcome(String arm, long seed, FineTuneSummary summary) {}

  public static int run(List<Arm> arms, int seeds, Path dir, boolean reuse, PrintStream out, PrintStream err) throws IOException {
    Files.createDirectories(dir);
    List<Outcome> done = new ArrayList<>();
    for (Arm arm : arms) {
      for (long seed = 1; seed <= seeds; seed++) {
        Path run = dir.resolve(arm.name() + "-seed" + seed);
        FineTuneSummary s;
        if (reuse && Files.exists(run.resolve("summary.json"))) {
          s = FineTuneSummary.read(run);
          err.println("reusing " + run);
        } else {
          boolean resume = reuse && FineTuning.isRun(run) && Files.exists(run.resolve("checkpoint.bin"));
          if (!resume) {
            dev.negmine.train.run.RunDirectory.checkFresh(run);
          }
          err.printf(Locale.ROOT, "== %s, seed %d%n", arm.name(), seed);
          s = FineTuneCli.train(resume ? null : arm.config(seed), run, resume, FineTuning.CHECKPOINT_EVERY, true, err);
          dev.negmine.cli.train.FineTuneReport.write(run);
        }
        done.add(new Outcome(arm.name(), seed, s));
        err.printf(Locale.ROOT, "%s, seed %d: nDCG@10 %.4f (frozen %.4f)%n", arm.name(), seed, scored(s.tuned()).ndcg10(),
            scored(s.frozen()).ndcg10());
      }
    }
    String md = table(done);
    dev.negmine.train.run.RunFiles.writeString(dir.resolve("compare.md"), md);
    dev.negmine.train.run.RunFiles.writeString(dir.resolve("compare.json"), json(done));
    out.print(md);
    out.println("wrote " + dir.resolve("compare.md"));
    return 0;
  }

  /** The figure compared: test nDCG@10 where there is a test split, else validation. */
  static IrMetrics.Result scored(IrMetrics.Result[] r) {
    return r[1] != null ? r[1] : r[0];
  }

  static String table(List<Outcome> done) {
    Map<String, List<Outcome>> byArm = new LinkedHashMap<>();
    for (Outcome o : done) {
      byArm.computeIfAbsent(o.arm(), k -> new ArrayList<>()).add(o);
    }
    boolean test = done.stream().allMatch(o -> o.summary().tuned()[1] != null);
    String split = test ? "test" : "validation";
    StringBuilder b = new StringBuilder();
    IrMetrics.Result frozen = scored(done.get(0).summary().frozen());
    b.append(String.format(Locale.ROOT, "| arm | seeds | %s nDCG@10 mean ± sd | min .. max | vs frozen | Recall@100 mean | steps | train s / run |%n", split));
    b.append("|---|---|---|---|---|---|---|---|\n");
    b.append(String.format(Locale.ROOT, "| frozen %s | - | %.4f | - | - | %.4f | 0 | - |%n", done.get(0).summary().model(),
        frozen.ndcg10(), frozen.recall100()));
    for (var e : byArm.entrySet()) {
      double[] v = e.getValue().stream().mapToDouble(o -> scored(o.summary().tuned()).ndcg10()).toArray();
      double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
      double sd = Math.sqrt(java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / Math.max(1, v.length - 1));
      double r100 = e.getValue().stream().mapToDouble(o -> scored(o.summary().tuned()).recall100()).average().orElse(Double.NaN);
      double secs = e.getValue().stream().mapToDouble(o -> o.summary().cost().trainSeconds()).average().orElse(Double.NaN);
      b.append(String.format(Locale.ROOT, "| %s | %d | %.4f ± %.4f | %.4f .. %.4f | %+.4f | %.4f | %d | %.0f |%n", e.getKey(), v.length,
          mean, sd, java.util.Arrays.stream(v).min().orElse(Double.NaN), java.util.Arrays.stream(v).max().orElse(Double.NaN),
          mean - frozen.ndcg10(), r100, e.getValue().get(0).summary().steps(), secs));
    }
    return b.toString();
  }

  static String json(List<Outcome> done) {
    StringBuilder b = new StringBuilder("[\n");
    for (int i = 0; i < done.size(); i++) {
      Outcome o = done.get(i);
      IrMetrics.Result t = scored(o.summary().tuned());
      IrMetrics.Result f = scored(o.summary().frozen());
      b.append(String.format(Locale.ROOT, "  {\"arm\": %s, \"seed\": %d, \"steps\": %d, \"frozen\": %s, \"fine_tuned\": %s}%s%n",
          Json.write(o.arm()), o.seed(), o.summary().steps(), f.toJson(), t.toJson(), i + 1 < done.size() ? "," : ""));
    }
    return b.append("]\n").toString();
  }
}
