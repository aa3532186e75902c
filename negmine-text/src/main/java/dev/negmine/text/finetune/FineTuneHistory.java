package dev.negmine.text.finetune;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.negmine.text.retrieval.IrMetrics;
import java.util.ArrayList;
import java.util.List;

/** Reads a run's history lines (metrics.jsonl): steps, evaluations. Stateless. */
public final class FineTuneHistory {
  private FineTuneHistory() {}

  /** One evaluation: {@code epoch} 0 is the frozen model. */
  public record Eval(int epoch, long step, IrMetrics.Result dev, IrMetrics.Result test) {}

  /** The evaluations, in order. */
  public static List<Eval> evals(List<String> lines) {
    List<Eval> out = new ArrayList<>();
    for (String l : lines) {
      JsonObject o = JsonParser.parseString(l).getAsJsonObject();
      if (o.has("eval")) {
        out.add(new Eval(o.get("epoch").getAsInt(), o.get("step").getAsLong(), result(o.get("dev")), result(o.get("test"))));
      }
    }
    return out;
  }

  /** The steps, in order. */
  public static List<FineTuneListener.StepRecord> steps(List<String> lines) {
    List<FineTuneListener.StepRecord> out = new ArrayList<>();
    for (String l : lines) {
      JsonObject o = JsonParser.parseString(l).getAsJsonObject();
      if (o.has("loss")) {
        out.add(new FineTuneListener.StepRecord(o.get("step").getAsLong(), o.get("epoch").getAsInt(), o.get("loss").getAsDouble(),
            o.get("lr").getAsDouble(), o.get("grad_norm").getAsDouble(), o.get("tokens").getAsLong(), o.get("seconds").getAsDouble(),
            o.has("guide_masked_in_batch") ? new FineTuneListener.MaskCounts(o.get("guide_masked_in_batch").getAsInt(),
                o.get("guide_masked_hard").getAsInt()) : null));
      }
    }
    return out;
  }

  /** The frozen model's {dev, test} results (nulls when absent). */
  static IrMetrics.Result[] frozen(List<String> lines) {
    for (Eval e : evals(lines)) {
      if (e.epoch() == 0) {
        return new IrMetrics.Result[] {e.dev(), e.test()};
      }
    }
    return new IrMetrics.Result[2];
  }

  static IrMetrics.Result result(JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return null;
    }
    JsonObject o = e.getAsJsonObject();
    return new IrMetrics.Result(o.get("queries").getAsInt(), o.get("ndcg@10").getAsDouble(), o.get("mrr@10").getAsDouble(),
        o.get("recall@10").getAsDouble(), o.get("recall@100").getAsDouble(), o.get("map@100").getAsDouble());
  }
}
