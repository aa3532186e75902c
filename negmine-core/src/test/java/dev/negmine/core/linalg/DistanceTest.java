package dev.negmine.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DistanceTest {
  @Test
  void parsesCliNames() {
    for (Distance d : Distance.values()) {
      assertEquals(d, Distance.parse(d.cliName()));
    }
    assertThrows(IllegalArgumentException.class, () -> Distance.parse("manhattan"));
  }

  @Test
  void closerFollowsKind() {
    assertTrue(Distance.COSINE.closer(0.9f, 0.1f));
    assertTrue(Distance.L2.closer(0.1f, 0.9f));
  }
}
