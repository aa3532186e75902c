package dev.negmine.core.pool;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.negmine.core.io.NegmineFormatException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A pool is used only with the corpus it was mined over. */
class PoolCorpusCheckTest {
  /** Items 0..n-1 with label i % 4; anchor i, positive i+4, candidates i+1 and i+2 (other labels). */
  static CandidatePool minedOver(int n) {
    int a = n - 4;
    long[] ids = new long[a];
    long[] labels = new long[a];
    long[] pos = new long[a];
    float[] ps = new float[a];
    int[] off = new int[a + 1];
    long[] cid = new long[2 * a];
    long[] cl = new long[2 * a];
    float[] cs = new float[2 * a];
    for (int i = 0; i < a; i++) {
      ids[i] = i;
      labels[i] = i % 4;
      pos[i] = i + 4;
      off[i + 1] = off[i] + 2;
      for (int r = 0; r < 2; r++) {
        cid[2 * i + r] = i + 1 + r;
        cl[2 * i + r] = (i + 1 + r) % 4;
      }
    }
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    PoolManifest m = new PoolManifest(PoolFiles.FORMAT_VERSION, new PoolManifest.Lifetime(t, t.plus(Duration.ofHours(1))), Map.of(), Map.of(), Map.of(),
        Map.of("corpus", n), 1.0, null);
    return new CandidatePool(m, ids, labels, pos, ps, off, cid, cl, cs);
  }

  static long[] range(int n) {
    return java.util.stream.LongStream.range(0, n).toArray();
  }

  static long[] labels(int n, int shift) {
    return java.util.stream.LongStream.range(0, n).map(i -> (i + shift) % 4).toArray();
  }

  @Test
  void thePoolsOwnCorpusPasses() {
    assertDoesNotThrow(() -> PoolCorpusCheck.verify(minedOver(40), "P", range(40), labels(40, 0), "D"));
  }

  @Test
  void anotherCorpusSizeOrLabellingIsRefused() {
    String small = assertThrows(NegmineFormatException.class,
        () -> PoolCorpusCheck.verify(minedOver(40), "P", range(30), labels(30, 0), "D")).getMessage();
    assertTrue(small.startsWith("P: mined over another corpus") && small.contains("not in D (30 items)"), small);
    String relabelled = assertThrows(NegmineFormatException.class,
        () -> PoolCorpusCheck.verify(minedOver(40), "P", range(40), labels(40, 1), "D")).getMessage();
    assertTrue(relabelled.contains("has label 0 in the pool but 1 in D"), relabelled);
  }

  @Test
  void dataPastTheEndOfTheCorpusIsAnotherCorpus() {
    // the pool's own ids all lie in its 40 rows, so ids are row numbers: item 45 cannot be in it
    long[] ids = java.util.stream.LongStream.range(10, 46).toArray();
    long[] lab = java.util.Arrays.stream(ids).map(i -> i % 4).toArray();
    String m = assertThrows(NegmineFormatException.class,
        () -> PoolCorpusCheck.verify(minedOver(40), "P", ids, lab, "D", true)).getMessage();
    assertTrue(m.contains("mined over 40 items but D has item 45"), m);
  }

  @Test
  void aTrainingSplitOfTheCorpusPassesButAFewSurvivorsDoNot() {
    long[] ids = java.util.stream.LongStream.range(0, 40).filter(i -> i % 10 != 3).toArray();
    long[] lab = java.util.Arrays.stream(ids).map(i -> i % 4).toArray();
    assertDoesNotThrow(() -> PoolCorpusCheck.verify(minedOver(40), "P", ids, lab, "D", true));
    String few = assertThrows(NegmineFormatException.class,
        () -> PoolCorpusCheck.verify(minedOver(400), "P", range(40), labels(40, 0), "D", true)).getMessage();
    assertTrue(few.contains("of its 396 anchors"), few);
  }
}
