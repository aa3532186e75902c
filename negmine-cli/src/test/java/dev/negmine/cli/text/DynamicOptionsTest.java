package dev.negmine.cli.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code --negatives dynamic} and {@code --dynamic-landmarks} as fine-tuning options. */
class DynamicOptionsTest {
  static int landmarks(String negatives, Integer landmarks, String mix) {
    return new FineTuneOptions().sources(null, mix, null, negatives, landmarks)
        .config("/data", null, null, null, null, null, 1, null, null).negatives().dynamic();
  }

  @Test
  void theIndexIsOnWithDynamicNegativesOrADynamicShare() {
    assertEquals(0, landmarks(null, null, null));
    assertEquals(0, landmarks("batch", null, null));
    assertEquals(FineTuneOptions.DYNAMIC_LANDMARKS, landmarks("dynamic", null, null));
    assertEquals(300, landmarks("Dynamic", 300, null));
    assertEquals(64, landmarks(null, 64, "offline=0.5,dynamic=0.5"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> landmarks(null, 64, null));
    assertEquals("--dynamic-landmarks 64 needs --negatives dynamic (or a dynamic share in --mix)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> landmarks("dynamic", 0, null));
    assertEquals("--dynamic-landmarks must be >= 1, got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> landmarks("tree", null, null));
    assertEquals("--negatives must be batch or dynamic, got 'tree'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> landmarks(null, null, "offline=0.5,queue=0.5"));
    assertTrue(e.getMessage().contains("give --queue N"), e.getMessage());
  }
}
