package dev.negmine.index;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.PairFilter;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.linalg.TopK;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Chooses the index of a whole-corpus mining job from the corpus size and a recall target. Small
 * corpora, and any target of 1, get the exact self-join (a few seconds below {@value
 * #EXACT_MAX_ROWS} rows). Larger ones get an IVF index whose probe count is the smallest of a
 * doubling ladder that reaches the target on a seeded sample of anchors, measured against exact
 * search with the job's own filters; when no count up to a quarter of the partitions reaches it
 * (where IVF would cost about half the exact self-join), the exact self-join runs after all.
 * Stateless; the returned plan says what was chosen and why.
 */
public final class RecallPlanner {
  /** Up to this many rows the exact self-join runs whatever the target (at d = 128: 25 Gflop). */
  public static final int EXACT_MAX_ROWS = 20_000;
  private static final int FIRST_PROBES = 8;

  private RecallPlanner() {}

  /**
   * The chosen index and why.
   *
   * @param index the index to mine with ({@code exact} or {@code ivf})
   * @param reason one sentence for logs and the pool manifest
   * @param tuning the recall measured for each probe count tried (empty when none was)
   */
  public record Plan(VectorIndex index, String reason, Map<Integer, Double> tuning) {
    /** For the JSON summary and the manifest. */
    public Map<String, Object> describe() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", index.kind());
      m.put("reason", reason);
      Map<String, Object> t = new LinkedHashMap<>();
      tuning.forEach((p, r) -> t.put(String.valueOf(p), r));
      m.put("sample_recall_by_probes", t);
      return m;
    }
  }

  /**
   * Plans the job: vectors with their ids (null: row numbers), labels and filters as {@link
   * OfflineMiner} will use them, {@code top} candidates per anchor, a target in (0, 1].
   *
   * @param sample anchors on which the recall of each probe count is measured
   */
  public static Plan plan(FloatMatrix vectors, long[] ids, long[] labels, Distance d, NegativeFilters filters, int top,
      double target, int sample, long seed, int threads) {
    if (!(target > 0 && target <= 1)) {
      throw new IllegalArgumentException("recall target must be in (0, 1], got " + target);
    }
    int n = vectors.rows();
    Map<Integer, Double> tuning = new LinkedHashMap<>();
    if (target >= 1) {
      return exact(vectors, ids, d, "recall target 1: exact self-join", tuning);
    }
    if (n <= EXACT_MAX_ROWS) {
      return exact(vectors, ids, d, n + " rows <= " + EXACT_MAX_ROWS + ": the exact self-join is cheap", tuning);
    }
    IvfIndex ivf = (IvfIndex) VectorIndexes.ivf(vectors, ids, d, new IvfParams(0, FIRST_PROBES, IvfParams.defaults().iterations(), seed, threads));
    long[] rowIds = ivf.ids();
    PairFilter keep = OfflineMiner.keep(filters, labels, rowIds);
    int fetch = OfflineMiner.fetch(filters, top, n);
    int[] rows = new SplittableRandom(seed).ints(0, n).distinct().limit(Math.min(sample, n)).toArray();
    PairFilter onSample = (qi, key) -> keep.accept(rows[qi], key);
    TopK truth = Similarities.topK(vectors.gather(rows), vectors, d, fetch, onSample);
    int maxProbes = Math.max(FIRST_PROBES, ivf.lists() / 4);
    for (int p = FIRST_PROBES; p <= maxProbes; p *= 2) {
      IvfIndex withP = ivf.withProbes(Math.min(p, maxProbes));
      double r = SyntheticCorpus.recall(withP.selfJoinRows(rows, fetch, keep), truth);
      tuning.put(withP.probes(), r);
      if (r >= target) {
        return new Plan(withP, String.format(java.util.Locale.ROOT,
            "%d rows > %d: IVF with %d of %d partitions reaches recall %.4f >= %.4f on %d sampled anchors",
            n, EXACT_MAX_ROWS, withP.probes(), withP.lists(), r, target, rows.length), tuning);
      }
      if (p >= maxProbes) {
        break;
      }
    }
    return exact(vectors, ids, d, "IVF missed recall " + target + " with up to " + maxProbes + " of " + ivf.lists()
        + " partitions: exact self-join", tuning);
  }

  private static Plan exact(FloatMatrix v, long[] ids, Distance d, String reason, Map<Integer, Double> tuning) {
    return new Plan(VectorIndexes.exact(v, ids, d), reason, tuning);
  }
}
