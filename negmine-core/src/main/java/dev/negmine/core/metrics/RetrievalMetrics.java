package dev.negmine.core.metrics;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Leave-one-out retrieval metrics: every item queries all the other items (the reference set is
 * the query set with the query itself excluded), as pytorch-metric-learning's
 * {@code AccuracyCalculator} with {@code reference = query} and self-matches excluded.
 *
 * <p><b>Ranking.</b> For query {@code q}, the other items are sorted closest first by
 * {@link RetrievalConfig#distance()} (cosine similarity by default, which ranks exactly like L2
 * distance between L2-normalised embeddings); equal scores are ordered by lowest item index.
 * Scores come from {@link Similarities#forEachBlock} in float32. Let {@code R_q} be the number of
 * other items with {@code q}'s label and {@code rel(i)} be 1 when the item at rank {@code i}
 * (1-based) has {@code q}'s label.
 *
 * <ul>
 *   <li>Queries with {@code R_q = 0} (their class has no other member) are skipped and counted in
 *       {@link RetrievalResult#skippedQueries()}; they still appear as neighbours of others.
 *   <li>precision@1 = {@code rel(1)}.
 *   <li>recall@k = 1 if {@code rel(i) = 1} for some {@code i <= k}, else 0 (the "Recall@K" of the
 *       deep-metric-learning papers: a hit among the k nearest, not the fraction of the class
 *       retrieved). A {@code k} beyond the number of other items means all of them.
 *   <li>R-precision = {@code (sum_{i<=R_q} rel(i)) / R_q}.
 *   <li>MAP@R = {@code (1/R_q) sum_{i<=R_q} rel(i) * P(i)} with {@code P(i) = (sum_{j<=i} rel(j)) /
 *       i}, PML's {@code mean_average_precision_at_r}.
 *   <li>MRR = {@code 1 / (rank of the first same-label item)}, over the full ranking. (PML only looks
 *       at its top {@code max R} neighbours and counts a later first hit as 0; the two agree
 *       whenever the first hit ranks within {@code max_q R_q}.)
 * </ul>
 * Each metric is the mean over non-skipped queries, summed in double in index order, so results
 * are deterministic however the kernel schedules its blocks.
 *
 * <p><b>Cost.</b> One pass over the N x N score matrix, streamed in blocks (never held); per query
 * only the closest {@code K_q = min(N-1, max(R_q, max k))} keys are kept (a selection buffer of at
 * most {@code 2 K_q} keys, see {@code TopK}) and queries are processed in row chunks so that at most
 * {@value #MAX_HELD_KEYS} keys (128 MiB) are held at once. Queries whose first same-label item
 * lies beyond their {@code K_q} closest get a second, counting pass over
 * their rows only. Time O(N^2 d) for the scores plus O(N^2 + N K log K) for the selection; N = 60k
 * by d = 784 needs no N x N matrix.
 *
 * <p>Thread-safe and stateless; parallelism comes from the similarity kernel.
 */
public final class RetrievalMetrics {
  /** Upper bound on selection-buffer keys held across the queries of one row chunk. */
  static final int MAX_HELD_KEYS = 1 << 24;

  private RetrievalMetrics() {}

  /** {@link #evaluate(FloatMatrix, long[], RetrievalConfig)} with {@link RetrievalConfig#defaults()}. */
  public static RetrievalResult evaluate(FloatMatrix embeddings, long[] labels) {
    return evaluate(embeddings, labels, RetrievalConfig.defaults());
  }

  /**
   * Computes every metric.
   *
   * @param embeddings one row per item
   * @param labels one class label per row
   * @throws IllegalArgumentException on a length mismatch, a non-finite value, or (cosine) a
   *     zero row, naming the row
   */
  public static RetrievalResult evaluate(FloatMatrix embeddings, long[] labels, RetrievalConfig config) {
    return evaluate(embeddings, labels, config, MAX_HELD_KEYS);
  }

  /** As above with a bound on held keys; tests lower it to force several row chunks. */
  static RetrievalResult evaluate(FloatMatrix embeddings, long[] labels, RetrievalConfig config, int maxHeldKeys) {
    Objects.requireNonNull(config, "config");
    int n = embeddings.rows();
    if (labels.length != n) {
      throw new IllegalArgumentException(labels.length + " labels for " + n + " embeddings");
    }
    validate(embeddings, config.distance());
    int[] r = sameLabelCounts(labels);
    Run run = new Run(embeddings, labels, r, config, maxHeldKeys);
    run.rank();
    return run.result();
  }

  private static void validate(FloatMatrix x, Distance d) {
    float[] data = x.data();
    for (int i = 0; i < data.length; i++) {
      if (!Float.isFinite(data[i])) {
        throw new IllegalArgumentException("embedding value " + data[i] + " at row " + (i / x.cols())
            + ", column " + (i % x.cols()));
      }
    }
    if (d == Distance.COSINE) {
      float[] norms = Similarities.norms(x);
      for (int i = 0; i < norms.length; i++) {
        if (!(norms[i] > 0)) {
          throw new IllegalArgumentException("embedding row " + i + " is zero; cosine similarity is undefined");
        }
      }
    }
  }

  /** For each item, how many other items share its label. */
  static int[] sameLabelCounts(long[] labels) {
    long[] sorted = labels.clone();
    Arrays.sort(sorted);
    int[] r = new int[labels.length];
    for (int i = 0; i < labels.length; i++) {
      r[i] = upperBound(sorted, labels[i]) - lowerBound(sorted, labels[i]) - 1;
    }
    return r;
  }

  /** First index whose value is {@code > v}. */
  private static int upperBound(long[] a, long v) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** First index whose value is {@code >= v}. */
  private static int lowerBound(long[] a, long v) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * The state of one evaluation. Per-query slots are written by whichever kernel thread owns the
   * row and read after {@code forEachBlock} returns, which happens-after every visitor call (the
   * kernel joins its workers before returning).
   */
  private static final class Run {
    private final FloatMatrix x;
    private final long[] labels;
    private final int[] r;
    private final RetrievalConfig config;
    private final int maxHeldKeys;
    private final int n;
    private final float sign;
    /** Rank (1-based) of the first same-label item; 0 while unknown. */
    private final long[] firstRank;
    private final double[] rPrecision;
    private final double[] apAtR;
    /** Key of the closest same-label item, for the counting pass. */
    private final long[] bestPositive;

    Run(FloatMatrix x, long[] labels, int[] r, RetrievalConfig config, int maxHeldKeys) {
      this.x = x;
      this.maxHeldKeys = maxHeldKeys;
      this.labels = labels;
      this.r = r;
      this.config = config;
      this.n = x.rows();
      this.sign = config.distance().isSimilarity() ? -1f : 1f;
      this.firstRank = new long[n];
      this.rPrecision = new double[n];
      this.apAtR = new double[n];
      this.bestPositive = new long[n];
    }

    private int capacity(int q) {
      return Math.min(n - 1, Math.max(r[q], config.maxK()));
    }

    void rank() {
      int maxCapacity = 1;
      for (int q = 0; q < n; q++) {
        if (r[q] > 0) {
          maxCapacity = Math.max(maxCapacity, capacity(q));
        }
      }
      // a selector holds up to twice its capacity between compactions
      int chunk = (int) Math.max(1, Math.min(n, maxHeldKeys / (2L * maxCapacity)));
      for (int q0 = 0; q0 < n; q0 += chunk) {
        selectChunk(q0, Math.min(n, q0 + chunk));
      }
      countPass();
    }

    /** Pass 1 for queries [q0, q1): top keys per query, finished as soon as a row has seen every column. */
    private void selectChunk(int q0, int q1) {
      Query[] rows = new Query[q1 - q0];
      boolean any = false;
      for (int q = q0; q < q1; q++) {
        if (r[q] > 0) {
          rows[q - q0] = new Query(q, capacity(q));
          any = true;
        }
      }
      if (!any) {
        return;
      }
      FloatMatrix a = q0 == 0 && q1 == n ? x : x.rowRange(q0, q1);
      Similarities.forEachBlock(a, x, config.distance(), (r0, r1, c0, c1, block) -> {
        int w = c1 - c0;
        for (int i = r0; i < r1; i++) {
          Query row = rows[i];
          if (row == null) {
            continue;
          }
          // Uncontended under the BlockVisitor contract (one thread per row range); the lock
          // keeps a kernel that splits a row range across threads from corrupting the buffer.
          synchronized (row) {
            row.scan(block, (i - r0) * w, c0, c1);
            if (row.seen == n) {
              finish(row);
              rows[i] = null;
            }
          }
        }
      });
      for (Query row : rows) {
        if (row != null) {
          throw new IllegalStateException("similarity kernel skipped columns for query " + row.q
              + " (saw " + row.seen + " of " + n + ")");
        }
      }
    }

    private void finish(Query row) {
      int q = row.q;
      long[] keys = row.top.drainSorted();
      int rq = r[q];
      long lq = labels[q];
      long first = 0;
      int hits = 0;
      double ap = 0;
      for (int t = 0; t < keys.length; t++) {
        if (labels[TopK.index(keys[t])] != lq) {
          continue;
        }
        if (first == 0) {
          first = t + 1;
        }
        if (t < rq) {
          hits++;
          ap += (double) hits / (t + 1);
        }
      }
      firstRank[q] = first;
      rPrecision[q] = (double) hits / rq;
      apAtR[q] = ap / rq;
      bestPositive[q] = row.bestPositive;
    }

    /** Pass 2: exact rank of the first same-label item for queries whose K_q closest lack one. */
    private void countPass() {
      List<Integer> pending = new ArrayList<>();
      for (int q = 0; q < n; q++) {
        if (r[q] > 0 && firstRank[q] == 0) {
          pending.add(q);
        }
      }
      int chunk = 8192;
      for (int s0 = 0; s0 < pending.size(); s0 += chunk) {
        int[] qs = pending.subList(s0, Math.min(pending.size(), s0 + chunk)).stream()
            .mapToInt(Integer::intValue).toArray();
        AtomicIntegerArray before = new AtomicIntegerArray(qs.length);
        Similarities.forEachBlock(x.gather(qs), x, config.distance(), (r0, r1, c0, c1, block) -> {
          int w = c1 - c0;
          for (int i = r0; i < r1; i++) {
            int q = qs[i];
            long limit = bestPositive[q];
            int count = 0;
            int off = (i - r0) * w;
            for (int j = c0; j < c1; j++) {
              if (j != q && TopK.key(sign * block[off + j - c0] + 0f, j) < limit) {
                count++;
              }
            }
            before.addAndGet(i, count);
          }
        });
        for (int i = 0; i < qs.length; i++) {
          firstRank[qs[i]] = before.get(i) + 1L;
        }
      }
    }

    RetrievalResult result() {
      int queries = 0;
      double p1 = 0;
      double rp = 0;
      double map = 0;
      double rr = 0;
      List<Integer> ks = config.recallKs();
      long[] hitsAt = new long[ks.size()];
      for (int q = 0; q < n; q++) {
        if (r[q] == 0) {
          continue;
        }
        queries++;
        long first = firstRank[q];
        p1 += first == 1 ? 1 : 0;
        rp += rPrecision[q];
        map += apAtR[q];
        rr += 1.0 / first;
        for (int k = 0; k < ks.size(); k++) {
          if (first <= ks.get(k)) {
            hitsAt[k]++;
          }
        }
      }
      double nq = queries;
      TreeMap<Integer, Double> recall = new TreeMap<>();
      for (int k = 0; k < ks.size(); k++) {
        recall.put(ks.get(k), queries == 0 ? Double.NaN : hitsAt[k] / nq);
      }
      return new RetrievalResult(config.distance(), queries, n - queries,
          queries == 0 ? Double.NaN : p1 / nq, recall,
          queries == 0 ? Double.NaN : rp / nq,
          queries == 0 ? Double.NaN : map / nq,
          queries == 0 ? Double.NaN : rr / nq);
    }

    /** One query's pass-1 state, touched by one thread at a time. */
    private final class Query {
      final int q;
      final long label;
      final TopK top;
      long bestPositive = Long.MAX_VALUE;
      int seen;

      Query(int q, int capacity) {
        this.q = q;
        this.label = labels[q];
        this.top = new TopK(capacity);
      }

      void scan(float[] block, int off, int c0, int c1) {
        for (int j = c0; j < c1; j++) {
          if (j == q) {
            continue;
          }
          long key = TopK.key(sign * block[off + j - c0] + 0f, j);
          top.offer(key);
          if (labels[j] == label && key < bestPositive) {
            bestPositive = key;
          }
        }
        seen += c1 - c0;
      }
    }
  }
}
