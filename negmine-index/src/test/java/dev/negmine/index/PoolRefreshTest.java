package dev.negmine.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.pool.CandidatePool;
import dev.negmine.core.pool.ExpiryPolicy;
import dev.negmine.core.pool.ManagedPool;
import dev.negmine.core.pool.Staleness;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A pool re-mined from drifted embeddings: staleness falls as the drift grows. */
class PoolRefreshTest {
  @Test
  void refreshFromDriftedEmbeddingsRecordsStaleness() {
    SyntheticCorpus c = SyntheticCorpus.clustered(600, 16, 12, 0.1, 11);
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-05-01T00:00:00Z"));
    InstantSource clock = now::get;
    OfflineMiner miner = OfflineMiner.builder().top(20).ttl(Duration.ofHours(48)).clock(clock).build();
    CandidatePool first = miner.mine(VectorIndexes.exact(c.vectors(), null, Distance.COSINE), c.labels());

    FloatMatrix drifted = c.vectors().copy();
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < drifted.data().length; i++) {
      drifted.data()[i] += (float) (0.05 * r.nextGaussian());
    }
    FloatMatrix current = Similarities.normalizeRows(drifted);
    VectorIndex currentIndex = VectorIndexes.exact(current, null, Distance.COSINE);
    ManagedPool mp = ManagedPool.builder(first, () -> miner.mine(currentIndex, c.labels()))
        .policy(ExpiryPolicy.REFRESH).clock(clock).scorer(OfflineMiner.pairScorer(currentIndex)).build();
    assertEquals(first, mp.sampler(1).pool());
    now.set(now.get().plus(Duration.ofHours(49)));
    CandidatePool fresh = mp.sampler(2).pool();
    assertTrue(fresh != first);
    Staleness s = mp.refreshes().get(0).staleness();
    System.out.println("staleness " + s);
    assertTrue(s.overlap() > 0.3 && s.overlap() < 1.0, "overlap " + s.overlap());
    assertTrue(s.spearman() > 0.5 && s.spearman() < 1.0, "spearman " + s.spearman());
    assertEquals(Duration.ofHours(49), s.age());
  }
}
