package dev.negmine.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.PairFilter;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.linalg.TopK;
import org.junit.jupiter.api.Test;

/** The batch answers of both self-join indexes against exact search of every row. */
class SelfJoinIndexTest {
  static final long SEED = 77;

  @Test
  void exactSelfJoinIsTheSearchOfEveryRow() {
    SyntheticCorpus c = SyntheticCorpus.clustered(1500, 20, 15, 0.1, SEED);
    PairFilter other = (q, key) -> key != q && c.labels()[key] != c.labels()[q];
    for (Distance d : Distance.values()) {
      SelfJoinIndex exact = (SelfJoinIndex) VectorIndexes.exact(c.vectors(), null, d);
      TopK want = exact.search(c.vectors(), 30, other);
      TopK got = exact.selfJoin(30, other);
      assertArrayEquals(want.indices(), got.indices(), d.cliName());
      assertArrayEquals(want.scores(), got.scores(), d.cliName());
    }
  }

  @Test
  void ivfProbingEveryListIsExact() {
    SyntheticCorpus c = SyntheticCorpus.clustered(2000, 16, 20, 0.05, SEED);
    PairFilter other = (q, key) -> key != q && c.labels()[key] != c.labels()[q];
    for (Distance d : Distance.values()) {
      IvfParams all = new IvfParams(12, 12, 5, SEED, 3);
      TopK got = VectorIndexes.ivf(c.vectors(), null, d, all).selfJoin(25, other);
      TopK want = Similarities.topK(c.vectors(), c.vectors(), d, 25, other);
      assertArrayEquals(want.indices(), got.indices(), d.cliName());
      assertArrayEquals(want.scores(), got.scores(), d.cliName());
    }
  }

  @Test
  void ivfIsIndependentOfThreadsAndFindsMostNeighbours() {
    SyntheticCorpus c = SyntheticCorpus.clustered(4000, 24, 40, 0.05, SEED);
    PairFilter other = (q, key) -> key != q && c.labels()[key] != c.labels()[q];
    TopK one = VectorIndexes.ivf(c.vectors(), null, Distance.COSINE, new IvfParams(0, 16, 6, SEED, 1)).selfJoin(20, other);
    TopK three = VectorIndexes.ivf(c.vectors(), null, Distance.COSINE, new IvfParams(0, 16, 6, SEED, 3)).selfJoin(20, other);
    assertArrayEquals(one.indices(), three.indices());
    assertArrayEquals(one.scores(), three.scores());
    TopK exact = Similarities.selfTopK(c.vectors(), Distance.COSINE, 20, other);
    double recall = SyntheticCorpus.recall(one, exact);
    System.out.println("ivf recall@20 with 16 of 63 lists: " + recall);
    assertTrue(recall >= 0.9, "recall " + recall);
    assertEquals(4000, one.queries());
  }
}
