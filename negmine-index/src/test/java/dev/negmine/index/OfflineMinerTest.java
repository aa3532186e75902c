package dev.negmine.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.pool.CandidatePool;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Offline mining against a brute-force oracle, for every filter combination. */
class OfflineMinerTest {
  static final long SEED = 314;

  static Stream<Arguments> filters() {
    double nan = Double.NaN;
    return Stream.of(
        Arguments.of("default", new NegativeFilters(true, true, nan, nan, false)),
        Arguments.of("max-score", new NegativeFilters(true, true, 0.6, nan, false)),
        Arguments.of("absolute", new NegativeFilters(true, true, nan, 0.05, false)),
        Arguments.of("relative", new NegativeFilters(true, true, nan, 0.1, true)),
        Arguments.of("same-id-only", new NegativeFilters(false, true, nan, nan, false)),
        Arguments.of("nothing", new NegativeFilters(false, false, nan, nan, false)));
  }

  @ParameterizedTest
  @MethodSource("filters")
  void exactMiningEqualsBruteForce(String name, NegativeFilters f) {
    System.out.println(name + " seed " + SEED);
    SyntheticCorpus c = SyntheticCorpus.clustered(400, 12, 8, 0.15, SEED);
    long[] ids = new long[400];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i % 390; // rows 390..399 duplicate the ids of rows 0..9
    }
    Instant t0 = Instant.parse("2026-03-01T12:00:00Z");
    int top = 15;
    OfflineMiner miner = OfflineMiner.builder().top(top).filters(f).ttl(Duration.ofHours(24))
        .clock(InstantSource.fixed(t0)).build();
    VectorIndex exact = VectorIndexes.exact(c.vectors(), ids, Distance.COSINE);
    CandidatePool pool = miner.mine(exact, c.labels());
    assertEquals(t0.plus(Duration.ofHours(24)), pool.manifest().expiresAt());
    assertEquals(1.0, pool.manifest().recall());
    int a = 0;
    for (int i = 0; i < 400; i++) {
      // positive oracle: best same-label row with another id
      int pos = -1;
      float ps = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < 400; j++) {
        if (j != i && c.labels()[j] == c.labels()[i] && ids[j] != ids[i]) {
          float s = Similarities.score(c.vectors(), i, c.vectors(), j, Distance.COSINE);
          if (s > ps) {
            ps = s;
            pos = j;
          }
        }
      }
      if (pos < 0) {
        continue;
      }
      assertEquals(ids[i], pool.anchorId(a));
      assertEquals(ids[pos], pool.positiveId(a));
      List<float[]> cands = new ArrayList<>();
      for (int j = 0; j < 400; j++) {
        if (j == i || (f.excludeSameLabel() && c.labels()[j] == c.labels()[i]) || (f.excludeSameId() && ids[j] == ids[i])) {
          continue;
        }
        float s = Similarities.score(c.vectors(), i, c.vectors(), j, Distance.COSINE);
        cands.add(new float[] {s, j});
      }
      cands.sort(Comparator.<float[]>comparingDouble(x -> -x[0]).thenComparingDouble(x -> x[1]));
      int fetch = f.scoreFilters() ? 2 * top : top;
      List<Long> want = new ArrayList<>();
      for (int r = 0; r < Math.min(fetch, cands.size()) && want.size() < top; r++) {
        if (f.passesScores(cands.get(r)[0], ps)) {
          want.add(ids[(int) cands.get(r)[1]]);
        }
      }
      List<Long> got = new ArrayList<>();
      for (int r = 0; r < pool.count(a); r++) {
        got.add(pool.candidateId(a, r));
        if (f.excludeSameLabel()) {
          assertNotEquals(pool.anchorLabel(a), pool.candidateLabel(a, r));
        }
        assertTrue(f.passesScores(pool.candidateScore(a, r), pool.positiveScore(a)));
      }
      assertEquals(want, got, "anchor " + i);
      a++;
    }
    assertEquals(a, pool.anchors());
  }

  /**
   * The exact path mines by a self-join; a delegating index of another kind makes the miner query
   * the same exact search chunk by chunk, as it did before the self-join: the arrays must be equal
   * (duplicate rows give exact ties; more than one 4096-row chunk).
   */
  @ParameterizedTest
  @MethodSource("filters")
  void selfJoinPoolEqualsTheChunkedQueryPool(String name, NegativeFilters f) {
    SyntheticCorpus c = SyntheticCorpus.clustered(5000, 16, 40, 0.2, SEED);
    float[] data = c.vectors().data().clone();
    System.arraycopy(data, 0, data, 16 * 4500, 16 * 300); // rows 4500..4799 repeat rows 0..299
    dev.negmine.core.linalg.FloatMatrix v = dev.negmine.core.linalg.FloatMatrix.of(5000, 16, data);
    long[] labels = c.labels().clone();
    System.arraycopy(labels, 0, labels, 4500, 300);
    for (Distance d : new Distance[] {Distance.COSINE, Distance.DOT}) {
      if (f.scoreFilters() && !d.isSimilarity()) {
        continue;
      }
      OfflineMiner miner = OfflineMiner.builder().top(40).filters(f).recallSample(0)
          .clock(InstantSource.fixed(Instant.EPOCH)).build();
      VectorIndex exact = VectorIndexes.exact(v, null, d);
      CandidatePool self = miner.mine(exact, labels);
      CandidatePool chunked = miner.mine(new Chunked(exact), labels);
      assertTrue(self.sameContents(chunked), name + " " + d);
      assertTrue(self.candidates() > 0);
    }
  }

  /** The exact index under another kind, so that the miner queries it in chunks. */
  private record Chunked(VectorIndex inner) implements VectorIndex {
    @Override
    public String kind() {
      return "chunked-exact";
    }

    @Override
    public int size() {
      return inner.size();
    }

    @Override
    public int dimension() {
      return inner.dimension();
    }

    @Override
    public Distance distance() {
      return inner.distance();
    }

    @Override
    public long[] ids() {
      return inner.ids();
    }

    @Override
    public dev.negmine.core.linalg.FloatMatrix vectors() {
      return inner.vectors();
    }

    @Override
    public dev.negmine.core.linalg.TopK search(dev.negmine.core.linalg.FloatMatrix q, int k,
        dev.negmine.core.linalg.PairFilter filter) {
      return inner.search(q, k, filter);
    }

    @Override
    public Duration buildTime() {
      return Duration.ZERO;
    }

    @Override
    public java.util.Map<String, Object> provenance() {
      return inner.provenance();
    }
  }

  @ParameterizedTest
  @MethodSource("filters")
  void hnswCandidatesPassEveryFilter(String name, NegativeFilters f) {
    SyntheticCorpus c = SyntheticCorpus.clustered(1500, 16, 10, 0.1, SEED + 1);
    VectorIndex hnsw = VectorIndexes.hnsw(c.vectors(), null, Distance.COSINE, new HnswParams(16, 100, 100, SEED, 2));
    CandidatePool pool = OfflineMiner.builder().top(20).filters(f).recallSample(200).build().mine(hnsw, c.labels());
    assertTrue(pool.manifest().recall() >= 0.9, "recall " + pool.manifest().recall());
    for (int a = 0; a < pool.anchors(); a++) {
      for (int r = 0; r < pool.count(a); r++) {
        assertNotEquals(pool.anchorId(a), pool.candidateId(a, r));
        if (f.excludeSameLabel()) {
          assertNotEquals(pool.anchorLabel(a), pool.candidateLabel(a, r));
        }
        assertTrue(f.passesScores(pool.candidateScore(a, r), pool.positiveScore(a)));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("filters")
  void scoreFiltersNeedASimilarity(String name, NegativeFilters f) {
    if (!f.scoreFilters()) {
      return;
    }
    SyntheticCorpus c = SyntheticCorpus.clustered(50, 4, 3, 0.1, SEED);
    VectorIndex l2 = VectorIndexes.exact(c.vectors(), null, Distance.L2);
    assertThrows(IllegalArgumentException.class, () -> OfflineMiner.builder().filters(f).build().mine(l2, c.labels()));
  }
}
