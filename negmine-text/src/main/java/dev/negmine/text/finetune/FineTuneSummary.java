package dev.negmine.text.finetune;

import dev.negmine.core.io.Json;
import dev.negmine.text.retrieval.IrMetrics;
import java.util.Locale;

/**
 * The outcome of a fine-tuning run, as {@code summary.json} keeps it: the frozen and the fine-tuned
 * model on the validation split and (when the data has one) the test split, and what the training
 * cost.
 *
 * @param model encoder name
 * @param devSplit the validation split's name, or null when there was none
 * @param frozen the frozen model's {dev, test} (entries may be null)
 * @param tuned the fine-tuned model's {dev, test} (entries may be null)
 * @param steps optimizer steps of the whole run
 * @param cost what this process's training loop took
 */
public record FineTuneSummary(String model, String devSplit, IrMetrics.Result[] frozen, IrMetrics.Result[] tuned, long steps,
    Cost cost) {

  /**
   * @param steps steps this process took (a resumed run: those after the checkpoint)
   * @param tokens real (unpadded) word pieces those steps embedded
   * @param trainSeconds wall time of those steps (evaluations included)
   * @param wallSeconds wall time of the whole call
   * @param threads PyTorch intra-op threads
   */
  public record Cost(long steps, long tokens, double trainSeconds, double wallSeconds, int threads) {}

  static FineTuneSummary of(FineTuneConfig c, FineTuneRun loop, IrMetrics.Result dev, IrMetrics.Result test, long steps, long tokens,
      double trainSeconds, double wallSeconds, int threads) {
    IrMetrics.Result[] frozen = {loop.frozenDev(), loop.frozenTest()};
    return new FineTuneSummary(c.model(), loop.queries().devSplit(), frozen, new IrMetrics.Result[] {dev, test},
        loop.step(), new Cost(steps, tokens, trainSeconds, wallSeconds, threads));
  }

  /** Reads the {@code summary.json} of finished run {@code run} back. */
  public static FineTuneSummary read(java.nio.file.Path run) throws java.io.IOException {
    com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(
        java.nio.file.Files.readString(run.resolve(dev.negmine.train.run.RunFiles.SUMMARY))).getAsJsonObject();
    com.google.gson.JsonObject f = o.getAsJsonObject("frozen");
    com.google.gson.JsonObject t = o.getAsJsonObject("fine_tuned");
    com.google.gson.JsonObject c = o.getAsJsonObject("cost");
    return new FineTuneSummary(o.get("model").getAsString(), o.get("dev_split").isJsonNull() ? null : o.get("dev_split").getAsString(),
        new IrMetrics.Result[] {FineTuneHistory.result(f.get("dev")), FineTuneHistory.result(f.get("test"))},
        new IrMetrics.Result[] {FineTuneHistory.result(t.get("dev")), FineTuneHistory.result(t.get("test"))},
        o.get("steps").getAsLong(), new Cost(c.get("steps").getAsLong(), c.get("tokens").getAsLong(),
            c.get("train_seconds").getAsDouble(), c.get("wall_seconds").getAsDouble(), c.get("threads").getAsInt()));
  }

  public String toJson() {
    return String.format(Locale.ROOT, """
        {
          "model": %s,
          "dev_split": %s,
          "steps": %d,
          "frozen": {"dev": %s, "test": %s},
          "fine_tuned": {"dev": %s, "test": %s},
          "cost": {"steps": %d, "tokens": %d, "train_seconds": %.1f, "wall_seconds": %.1f, "tokens_per_second": %.1f, "threads": %d}
        }
        """, Json.write(model), devSplit == null ? "null" : Json.write(devSplit), steps, json(frozen[0]), json(frozen[1]),
        json(tuned[0]), json(tuned[1]), cost.steps(), cost.tokens(), cost.trainSeconds(), cost.wallSeconds(),
        cost.trainSeconds() > 0 ? cost.tokens() / cost.trainSeconds() : 0, cost.threads());
  }

  private static String json(IrMetrics.Result r) {
    return r == null ? "null" : r.toJson();
  }
}
