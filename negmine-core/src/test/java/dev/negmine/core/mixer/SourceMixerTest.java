package dev.negmine.core.mixer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceMixerTest {
  @Test
  void countsFollowTheRatiosAndPlansReplay() {
    // 30% random, 50% in-batch, 20% offline, offline rising to 40% (from in-batch) by step 500
    Curriculum rising = Curriculum.linear(MixRatios.of(0.3, 0.5, 0, 0.2), MixRatios.of(0.3, 0.3, 0, 0.4), 0, 500);
    SourceMixer m = new SourceMixer(rising, 7);
    MixPlan p = m.plan(100, 4, 0);
    assertEquals(120, p.count(NegativeSource.RANDOM));
    assertEquals(200, p.count(NegativeSource.IN_BATCH));
    assertEquals(80, p.count(NegativeSource.OFFLINE));
    assertEquals(0, p.count(NegativeSource.QUEUE));
    int random = 0;
    for (int a = 0; a < 100; a++) {
      for (int s = 0; s < 4; s++) {
        random += p.source(a, s) == NegativeSource.RANDOM ? 1 : 0;
      }
    }
    assertEquals(120, random);
    assertArrayEquals(p.sources(), m.plan(100, 4, 0).sources(), "seeded");
    MixPlan late = m.plan(100, 4, 500);
    assertEquals(160, late.count(NegativeSource.OFFLINE), "offline share rose to 40%");
    MixPlan mid = m.plan(100, 4, 250);
    assertEquals(120, mid.count(NegativeSource.OFFLINE));
    // rounding: 7 slots at 1/3 in-batch, 2/3 offline
    MixPlan sp = new SourceMixer(Curriculum.constant(MixRatios.of(0, 1.0 / 3, 0, 2.0 / 3)), 1).plan(7, 1, 3);
    assertEquals(7, sp.count(NegativeSource.IN_BATCH) + sp.count(NegativeSource.OFFLINE));
    assertEquals(5, sp.count(NegativeSource.OFFLINE));
  }

  @Test
  void constantCurriculumAndValidation() {
    assertEquals(1.0, Curriculum.constant(MixRatios.of(0, 0, 1, 0)).at(5).share(NegativeSource.QUEUE));
    assertEquals(1.0, Curriculum.constant(MixRatios.of(0, 1, 0, 0)).at(5).share(NegativeSource.IN_BATCH));
    assertThrows(IllegalArgumentException.class, () -> MixRatios.of(0.5, 0.4, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> MixRatios.of(-0.1, 1.1, 0, 0));
  }

  @Test
  void statsPerSource() {
    SourceStats s = new SourceStats(0.1);
    s.record(NegativeSource.OFFLINE, 0.9f, 0.7f, 0.5f); // suspected false negative
    s.record(NegativeSource.OFFLINE, 0.5f, 0.7f, 0f);
    s.record(NegativeSource.IN_BATCH, 0.3f, 0.7f, 0.5f);
    Map<NegativeSource, SourceStats.Summary> m = s.summary();
    assertEquals(2, m.get(NegativeSource.OFFLINE).count());
    assertEquals(0.7, m.get(NegativeSource.OFFLINE).meanSimilarity(), 1e-6);
    assertEquals(0.5, m.get(NegativeSource.OFFLINE).activeFraction(), 1e-12);
    assertEquals(0.5, m.get(NegativeSource.OFFLINE).lossShare(), 1e-12);
    assertEquals(1, m.get(NegativeSource.OFFLINE).suspectedFalseNegatives());
    assertEquals(0, m.get(NegativeSource.IN_BATCH).suspectedFalseNegatives());
  }
}
