package dev.negmine.cli.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.text.finetune.FineTuneConfig;
import org.junit.jupiter.api.Test;

class CompareArmsTest {
  @Test
  void eachArmChangesOnlyWhatItNames() {
    FineTuneConfig c = FineTuneConfig.defaults("beir");
    assertSame(c, CompareArms.of("hard").apply(c));
    assertEquals(0, CompareArms.of("in-batch").apply(c).negatives().perQuery());
    assertTrue(Double.isNaN(CompareArms.of("top-k").apply(c).negatives().mining().relativeMargin()));
    assertEquals(0.05, CompareArms.of("margin").apply(c).negatives().mining().relativeMargin());
    assertEquals("bge-small-en-v1.5", CompareArms.of("guide").apply(c).loss().guide().model());
    FineTuneConfig wide = CompareArms.of("cached-4x").apply(c);
    assertEquals(4 * c.batch(), wide.batch());
    assertEquals(32, wide.loss().cacheBatch());
    FineTuneConfig.Schedule s = c.schedule();
    FineTuneConfig hundred = new FineTuneConfig(c.model(), c.data(), c.batch(), c.maxLength(), c.seed(),
        new FineTuneConfig.Schedule(s.epochs(), 100, s.learningRate(), s.warmup(), s.weightDecay(), s.maxGradNorm(),
            s.freezeEmbeddings(), s.frozenLayers()), c.loss(), c.negatives());
    assertEquals(25, CompareArms.of("cached-4x").apply(hundred).schedule().maxSteps(), "the same training pairs as 100 steps");
    assertEquals(c.schedule(), wide.schedule(), "by epochs, the wider batch alone quarters the steps");
    // static and dynamic at equal encoder budget: 40 steps on 7,392 documents, the pool re-mined before step 20
    FineTuneConfig forty = new FineTuneConfig(c.model(), c.data(), c.batch(), c.maxLength(), c.seed(),
        new FineTuneConfig.Schedule(s.epochs(), 40, s.learningRate(), s.warmup(), s.weightDecay(), s.maxGradNorm(),
            s.freezeEmbeddings(), s.frozenLayers()), c.loss(), c.negatives());
    FineTuneConfig stat = CompareArms.of("static", 7392).apply(forty);
    assertEquals(20, stat.negatives().refreshEvery());
    assertTrue(stat.negatives().refreshInline(), "re-mined on the training thread, like the index's refreshes");
    assertEquals(0, stat.negatives().dynamic());
    FineTuneConfig dyn = CompareArms.of("dynamic", 7392).apply(forty);
    assertEquals(0, dyn.negatives().refreshEvery());
    // one corpus pass (7,392 documents) spread over the 39 steps that refresh: ceil(7392 / 39) = 190 per step
    assertEquals(190, dyn.negatives().dynamic());
    assertEquals(c.negatives().mining(), dyn.negatives().mining(), "the same false-negative rule as the pool");
    assertEquals(4096, CompareArms.of("queue").apply(c).negatives().queue());
    for (String n : CompareArms.NAMES) {
      if (n.equals("static") || n.equals("dynamic")) {
        continue; // budgets per run: checked above with --max-steps
      }
      FineTuneConfig a = CompareArms.of(n).apply(c);
      assertEquals(c.schedule(), a.schedule(), n + " keeps the schedule (by epochs)");
      assertEquals(c.seed(), a.seed(), n + " keeps the seed");
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CompareArms.of("dynamics"));
    assertTrue(e.getMessage().startsWith("--arms: expected one of in-batch, top-k"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> CompareArms.of("static").apply(c));
    assertTrue(e.getMessage().contains("give --max-steps"), e.getMessage());
  }
}
