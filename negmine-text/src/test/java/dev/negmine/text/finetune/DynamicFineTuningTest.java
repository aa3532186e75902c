package dev.negmine.text.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.negmine.text.retrieval.RetrievalData;
import dev.negmine.text.transformer.TransformerEncoder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dynamic index as a source of a real fine-tuning run (MiniLM on the topics fixture). */
class DynamicFineTuningTest {
  static FineTuneConfig dynamic(int maxSteps, int landmarks, String mix) {
    FineTuneConfig c = FineTuningTest.config(maxSteps);
    FineTuneConfig.Negatives n = c.negatives();
    return new FineTuneConfig(c.model(), c.data(), c.batch(), c.maxLength(), c.seed(), c.schedule(), c.loss(),
        new FineTuneConfig.Negatives(2, n.mining(), 0, 0, mix, null, null, landmarks));
  }

  /** Slot j of query i (column b + j * b + i) is never one of query i's judged positives. */
  static void assertNoOwnPositive(FineTuneRun run, FineTuneConfig c, long step, StepBatch b) {
    List<BatchPlan.Row> rows = BatchPlan.epoch(run.queries(), run.trainOn(), c.batch(), c.seed(), 0).get((int) step);
    int q = rows.size();
    for (int i = 0; i < q; i++) {
      for (int j = 0; j < 2; j++) {
        int d = b.docRows()[q + j * q + i];
        assertFalse(run.queries().isPositive(rows.get(i).query(), d), "step " + step + ", query " + i + ", slot " + j + ": document " + d);
      }
    }
  }

  @Test
  void stepsDrawFromTheIndexWithinTheEncoderBudget(@TempDir Path dir) throws Exception {
    RetrievalData data = FineTuningTest.data();
    FineTuneConfig c = dynamic(3, 5, null);
    try (TransformerEncoder e = TransformerEncoder.pretrained(c.model())) {
      FineTuneRun run = new FineTuneRun(c, data, e, new FineTuneListener() {});
      run.prepare();
      for (long s = 0; s < 2; s++) {
        StepBatch b = run.batchOf(s);
        // every query's two slots hold documents that are not its positives (draws, or random top-ups)
        assertEquals(b.queries() * 3, b.columns(), "positives, then 2 negatives per query");
        assertNoOwnPositive(run, c, s, b);
        run.next();
      }
    }
    FineTuning.train(dynamic(3, 5, null), data, dir.resolve("run"), new FineTuning.Options(false, 0), new FineTuneListener() {});
    List<String> lines = FineTuning.history(dir.resolve("run"));
    JsonObject last = null;
    for (String l : lines) {
      JsonObject o = JsonParser.parseString(l).getAsJsonObject();
      if (o.has("dynamic_index")) {
        last = o.getAsJsonObject("dynamic_index");
      }
    }
    assertTrue(last != null, "the run records the index's figures");
    assertEquals(3, last.get("step").getAsInt());
    // steps 2 and 3 re-embed 5 landmarks each; step 1 uses the pass that built the index
    assertEquals(10, last.get("encoded_documents").getAsInt());
    assertEquals(3 * 4, last.get("encoded_queries").getAsInt(), "each step's 4 queries, once more without the graph");
    assertFalse(last.get("landmark_residual").isJsonNull());
    FineTuneHistory.steps(lines).forEach(r -> assertTrue(Double.isFinite(r.loss()) && r.loss() > 0));
  }

  @Test
  void anInlineRefreshReminesAtItsStepWithTheCurrentWeights(@TempDir Path dir) throws Exception {
    RetrievalData data = FineTuningTest.data();
    FineTuneConfig c = FineTuningTest.config(3);
    FineTuneConfig.Negatives n = c.negatives();
    FineTuneConfig inline = new FineTuneConfig(c.model(), c.data(), c.batch(), c.maxLength(), c.seed(), c.schedule(), c.loss(),
        new FineTuneConfig.Negatives(1, n.mining(), 1, 0, null, null, null, 0, true));
    FineTuning.train(inline, data, dir.resolve("r"), new FineTuning.Options(false, 0), new FineTuneListener() {});
    List<Long> at = new java.util.ArrayList<>();
    for (String l : FineTuning.history(dir.resolve("r"))) {
      JsonObject o = JsonParser.parseString(l).getAsJsonObject();
      if (o.has("pool_refresh")) {
        assertEquals(o.get("pool_refresh").getAsLong(), o.get("snapshot_step").getAsLong(), "mined with the weights of its own step");
        at.add(o.get("pool_refresh").getAsLong());
      }
    }
    assertEquals(List.of(1L, 2L), at, "every step after the first, installed at once");
  }

  @Test
  void theMixerGivesTheIndexItsShareAndTheOptionsAreChecked() throws Exception {
    RetrievalData data = FineTuningTest.data();
    FineTuneConfig c = dynamic(2, 5, "offline=0.5,dynamic=0.5");
    try (TransformerEncoder e = TransformerEncoder.pretrained(c.model())) {
      FineTuneRun run = new FineTuneRun(c, data, e, new FineTuneListener() {});
      run.prepare();
      StepBatch b = run.batchOf(0);
      assertEquals(b.queries() * 3, b.columns(), "one mined and one dynamic negative per query");
      assertNoOwnPositive(run, c, 0, b);
    }
    FineTuneConfig base = FineTuningTest.config(2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FineTuneConfig.Negatives(1,
        base.negatives().mining(), 0, 0, "offline=0.5,dynamic=0.5", null, null, 0));
    assertTrue(e.getMessage().contains("give --negatives dynamic"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new FineTuneConfig.Negatives(0, base.negatives().mining(), 0, 0,
        null, null, null, 8));
    assertTrue(e.getMessage().contains("--hard-negatives >= 1"), e.getMessage());
  }
}
