package dev.negmine.index;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.PairFilter;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.linalg.TopK;
import dev.negmine.core.pool.CandidatePool;
import dev.negmine.core.pool.PoolFiles;
import dev.negmine.core.pool.PoolManifest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Offline mining: every corpus row is an anchor; its positive is its most similar row with the same
 * label and another id (exact, per label group); its candidates are the best {@code top} rows the
 * index returns that pass {@link NegativeFilters}, hardest first. Recall of the index against exact
 * search (same label/id filters) is measured on a seeded sample of anchors and written to the
 * manifest. Anchors without a positive are dropped (a triplet needs one) and counted.
 *
 * <p>Immutable and thread-safe; {@link #mine} may run on a background refresh thread.
 */
public final class OfflineMiner {
  private static final int CHUNK = 4096;

  private final int top;
  private final NegativeFilters filters;
  private final Duration ttl;
  private final InstantSource clock;
  private final int recallSample;
  private final long seed;
  private final Map<String, Object> source;

  private OfflineMiner(Builder b) {
    this.top = b.top;
    this.filters = b.filters;
    this.ttl = b.ttl;
    this.clock = b.clock;
    this.recallSample = b.recallSample;
    this.seed = b.seed;
    this.source = Map.copyOf(b.source);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Mines a pool from an index over the corpus and one label per row.
   *
   * @throws IllegalArgumentException when score filters are set on a distance (not a similarity)
   */
  public CandidatePool mine(VectorIndex index, long[] labels) {
    int n = index.size();
    if (labels.length != n) {
      throw new IllegalArgumentException("labels has " + labels.length + " entries but the index holds " + n + " rows");
    }
    Distance d = index.distance();
    if (filters.scoreFilters() && !d.isSimilarity()) {
      throw new IllegalArgumentException("--max-score and margins compare similarities; use cosine or dot, not " + d.cliName());
    }
    long[] ids = index.ids();
    FloatMatrix vectors = index.vectors();
    int[] positive = new int[n];
    float[] posScore = new float[n];
    positives(vectors, labels, ids, d, positive, posScore);

    PairFilter keep = keep(filters, labels, ids);
    int fetch = fetch(filters, top, n);
    int[] offsets = new int[n + 1];
    int[] rows = new int[n * Math.min(top, n)];
    float[] scores = new float[rows.length];
    int anchors = 0;
    int dropped = 0;
    long filteredByScore = 0;
    long shortAnchors = 0;
    int[] anchorRow = new int[n];
    int w = 0;
    // An index that knows the batch (exact: a self-join with half the flops of querying it block by
    // block, same result bit for bit; ivf: partitions as blocks) answers all rows at once; others
    // are queried in chunks.
    TopK all = index instanceof SelfJoinIndex sj ? sj.selfJoin(fetch, keep) : null;
    for (int c0 = 0; c0 < n; c0 += CHUNK) {
      int c1 = Math.min(n, c0 + CHUNK);
      int base = c0;
      TopK hits;
      int hitRow0;
      if (all != null) {
        hits = all;
        hitRow0 = 0;
      } else {
        hits = index.search(vectors.rowRange(c0, c1), fetch, (qi, key) -> keep.accept(base + qi, key));
        hitRow0 = c0;
      }
      for (int i = c0; i < c1; i++) {
        if (positive[i] < 0) {
          dropped++;
          continue;
        }
        anchorRow[anchors] = i;
        int kept = 0;
        for (int r = 0; r < hits.k() && kept < top; r++) {
          int row = hits.index(i - hitRow0, r);
          if (row < 0) {
            break;
          }
          float s = hits.score(i - hitRow0, r);
          if (!filters.passesScores(s, posScore[i])) {
            filteredByScore++;
            continue;
          }
          rows[w] = row;
          scores[w++] = s;
          kept++;
        }
        if (kept < top) {
          shortAnchors++;
        }
        offsets[++anchors] = w;
      }
    }
    long[] anchorIds = new long[anchors];
    long[] anchorLabels = new long[anchors];
    long[] positiveIds = new long[anchors];
    float[] positiveScores = new float[anchors];
    for (int a = 0; a < anchors; a++) {
      int i = anchorRow[a];
      anchorIds[a] = ids[i];
      anchorLabels[a] = labels[i];
      positiveIds[a] = ids[positive[i]];
      positiveScores[a] = posScore[i];
    }
    long[] candIds = new long[w];
    long[] candLabels = new long[w];
    for (int j = 0; j < w; j++) {
      candIds[j] = ids[rows[j]];
      candLabels[j] = labels[rows[j]];
    }
    double recall = index.kind().equals("exact") ? 1.0 : recall(index, keep, fetch, all);
    Instant now = clock.instant();
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("corpus", n);
    counts.put("anchors", anchors);
    counts.put("candidates", w);
    counts.put("anchors_without_positive", dropped);
    counts.put("anchors_short_of_top", shortAnchors);
    counts.put("filtered_by_score", filteredByScore);
    Map<String, Object> f = new LinkedHashMap<>(filters.describe());
    f.put("top", top);
    f.put("recall_sample", recallSample);
    f.put("seed", seed);
    f.put("ttl", ttl.toString());
    PoolManifest m = new PoolManifest(PoolFiles.FORMAT_VERSION, new PoolManifest.Lifetime(now, now.plus(ttl)), source, index.provenance(), f,
        counts, recall, null);
    return new CandidatePool(m, anchorIds, anchorLabels, positiveIds, positiveScores,
        Arrays.copyOf(offsets, anchors + 1), candIds, candLabels, Arrays.copyOf(scores, w));
  }

  /** The (anchor row, candidate row) pairs the filters allow: never the row itself. */
  static PairFilter keep(NegativeFilters filters, long[] labels, long[] ids) {
    return (q, key) -> key != q && (!filters.excludeSameLabel() || labels[key] != labels[q])
        && (!filters.excludeSameId() || ids[key] != ids[q]);
  }

  /** Rows fetched per anchor before the score filters: twice {@code top} when they are set. */
  static int fetch(NegativeFilters filters, int top, int n) {
    return filters.scoreFilters() ? Math.min(n, 2 * top) : Math.min(n, top);
  }

  /**
   * Scores (anchor id, candidate id) pairs with the vectors of {@code current} (the latest
   * embeddings), for {@link dev.negmine.core.pool.Staleness} when a pool is refreshed; NaN for an
   * unknown id. Thread-safe.
   */
  public static dev.negmine.core.pool.Staleness.PairScorer pairScorer(VectorIndex current) {
    long[] ids = current.ids();
    Map<Long, Integer> row = new HashMap<>(ids.length * 2);
    for (int i = 0; i < ids.length; i++) {
      row.putIfAbsent(ids[i], i);
    }
    FloatMatrix v = current.vectors();
    Distance d = current.distance();
    return (anchor, candidate) -> {
      Integer a = row.get(anchor);
      Integer c = row.get(candidate);
      return a == null || c == null ? Float.NaN : Similarities.score(v, a, v, c, d);
    };
  }

  /**
   * The positive of every row of one label group: its most similar other row of the group with
   * another id (exact), as a k = 1 {@link TopK} of group-row indices (-1 / NaN: none); equal scores
   * go to the lower row. {@link #mine} calls this per label on the group's rows in corpus order, so
   * a distributed miner that does the same gets bit-identical positives. Thread-safe.
   */
  public static TopK groupPositives(FloatMatrix group, long[] groupIds, Distance d) {
    if (groupIds.length != group.rows()) {
      throw new IllegalArgumentException(groupIds.length + " ids for " + group.rows() + " rows");
    }
    return Similarities.topK(group, group, d, 1, (q, key) -> key != q && groupIds[key] != groupIds[q]);
  }

  /** Per row, its closest same-label row with another id (exact, one label group at a time). */
  private static void positives(FloatMatrix v, long[] labels, long[] ids, Distance d, int[] positive, float[] score) {
    Map<Long, int[]> groups = new HashMap<>();
    Map<Long, Integer> sizes = new HashMap<>();
    for (long l : labels) {
      sizes.merge(l, 1, Integer::sum);
    }
    Map<Long, Integer> fill = new HashMap<>();
    for (int i = 0; i < labels.length; i++) {
      int[] g = groups.computeIfAbsent(labels[i], l -> new int[sizes.get(l)]);
      g[fill.merge(labels[i], 1, Integer::sum) - 1] = i;
    }
    Arrays.fill(positive, -1);
    Arrays.fill(score, Float.NaN);
    for (int[] g : groups.values()) {
      if (g.length < 2) {
        continue;
      }
      long[] gids = new long[g.length];
      for (int i = 0; i < g.length; i++) {
        gids[i] = ids[g[i]];
      }
      TopK t = groupPositives(v.gather(g), gids, d);
      for (int q = 0; q < g.length; q++) {
        int best = t.index(q, 0);
        if (best >= 0) {
          positive[g[q]] = g[best];
          score[g[q]] = t.score(q, 0);
        }
      }
    }
  }

  /**
   * Recall@fetch against exact search on a seeded sample of anchors: of the lists the pool was
   * mined from ({@code mined}, all rows) when given, else of fresh searches of the index.
   */
  private double recall(VectorIndex index, PairFilter keep, int fetch, TopK mined) {
    int n = index.size();
    int s = Math.min(recallSample, n);
    if (s == 0) {
      return Double.NaN;
    }
    SplittableRandom r = new SplittableRandom(seed);
    int[] sample = r.ints(0, n).distinct().limit(s).toArray();
    FloatMatrix q = index.vectors().gather(sample);
    PairFilter f = (qi, key) -> keep.accept(sample[qi], key);
    TopK approx = mined == null ? index.search(q, fetch, f) : rowsOf(mined, sample);
    TopK exact = Similarities.topK(q, index.vectors(), index.distance(), fetch, f);
    return SyntheticCorpus.recall(approx, exact);
  }

  private static TopK rowsOf(TopK t, int[] rows) {
    int k = t.k();
    int[] idx = new int[rows.length * k];
    float[] sc = new float[rows.length * k];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(t.indices(), rows[i] * k, idx, i * k, k);
      System.arraycopy(t.scores(), rows[i] * k, sc, i * k, k);
    }
    return new TopK(rows.length, k, idx, sc);
  }

  /** Offline mining settings; defaults: top 200, same label and id excluded, TTL 48 h, recall sample 1000. */
  public static final class Builder {
    private int top = 200;
    private NegativeFilters filters = NegativeFilters.defaults();
    private Duration ttl = Duration.ofHours(48);
    private InstantSource clock = InstantSource.system();
    private int recallSample = 1000;
    private long seed = 42;
    private Map<String, Object> source = Map.of();

    public Builder top(int k) {
      this.top = k;
      return this;
    }

    public Builder filters(NegativeFilters f) {
      this.filters = f;
      return this;
    }

    public Builder ttl(Duration d) {
      this.ttl = d;
      return this;
    }

    public Builder clock(InstantSource c) {
      this.clock = c;
      return this;
    }

    /** Anchors on which the index's recall against exact search is measured (0 = skip). */
    public Builder recallSample(int n) {
      this.recallSample = n;
      return this;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** Provenance of the vectors (hashes, paths, git revision, ...), copied into the manifest. */
    public Builder source(Map<String, Object> s) {
      this.source = s;
      return this;
    }

    public OfflineMiner build() {
      if (top < 1 || filters == null || ttl == null || ttl.isNegative() || ttl.isZero() || clock == null
          || recallSample < 0 || source == null) {
        throw new IllegalArgumentException("need top >= 1, a positive TTL, filters, clock, source and recallSample >= 0");
      }
      return new OfflineMiner(this);
    }
  }
}
