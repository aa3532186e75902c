package dev.negmine.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.PairFilter;
import dev.negmine.core.linalg.TopK;
import dev.negmine.core.pool.CandidatePool;
import org.junit.jupiter.api.Test;

/** The planner's choice, and the recall it promises against the recall of the pool it plans. */
class RecallPlannerTest {
  static final long SEED = 5;

  @Test
  void smallCorporaAndATargetOfOneAreExact() {
    SyntheticCorpus c = SyntheticCorpus.clustered(3000, 8, 30, 0.05, SEED);
    NegativeFilters f = NegativeFilters.defaults();
    assertEquals("exact", RecallPlanner.plan(c.vectors(), null, c.labels(), Distance.COSINE, f, 10, 0.9, 100, SEED, 2)
        .index().kind());
    SyntheticCorpus big = SyntheticCorpus.clustered(RecallPlanner.EXACT_MAX_ROWS + 1, 4, 100, 0.05, SEED);
    assertEquals("exact", RecallPlanner.plan(big.vectors(), null, big.labels(), Distance.COSINE, f, 10, 1.0, 100, SEED, 2)
        .index().kind());
    assertThrows(IllegalArgumentException.class,
        () -> RecallPlanner.plan(c.vectors(), null, c.labels(), Distance.COSINE, f, 10, 1.5, 100, SEED, 2));
  }

  @Test
  void largeCorporaGetTunedIvfWhoseSampleRecallIsThePools() {
    int n = RecallPlanner.EXACT_MAX_ROWS + 5000;
    SyntheticCorpus c = SyntheticCorpus.clustered(n, 12, 250, 0.03, SEED);
    NegativeFilters f = NegativeFilters.defaults();
    RecallPlanner.Plan plan = RecallPlanner.plan(c.vectors(), null, c.labels(), Distance.COSINE, f, 10, 0.95, 300, SEED, 2);
    System.out.println(plan.describe());
    assertEquals("ivf", plan.index().kind(), plan.reason());
    double tuned = plan.tuning().values().stream().reduce((a, b) -> b).orElseThrow();
    assertTrue(tuned >= 0.95, plan.reason());
    // the tuned sample recall is exactly the recall of the mined lists on the same sample
    CandidatePool pool = OfflineMiner.builder().top(10).recallSample(300).seed(SEED).build().mine(plan.index(), c.labels());
    assertEquals(tuned, pool.manifest().recall(), 1e-12);
    // and the per-row path agrees with the batch self-join row for row
    IvfIndex ivf = (IvfIndex) plan.index();
    PairFilter keep = OfflineMiner.keep(f, c.labels(), ivf.ids());
    int[] rows = {0, 17, 4242, n - 1};
    TopK all = ivf.selfJoin(10, keep);
    TopK some = ivf.selfJoinRows(rows, 10, keep);
    for (int i = 0; i < rows.length; i++) {
      for (int r = 0; r < 10; r++) {
        assertEquals(all.index(rows[i], r), some.index(i, r));
        assertEquals(Float.floatToIntBits(all.score(rows[i], r)), Float.floatToIntBits(some.score(i, r)));
      }
    }
  }
}
