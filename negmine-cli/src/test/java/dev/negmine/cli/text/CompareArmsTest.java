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
    assertEquals(4096, CompareArms.of("queue").apply(c).negatives().queue());
    for (String n : CompareArms.NAMES) {
      FineTuneConfig a = CompareArms.of(n).apply(c);
      assertEquals(c.schedule(), a.schedule(), n + " keeps the schedule");
      assertEquals(c.seed(), a.seed(), n + " keeps the seed");
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CompareArms.of("dynamic"));
    assertTrue(e.getMessage().startsWith("--arms: expected one of in-batch, top-k"), e.getMessage());
  }
}
