package dev.negmine.index;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.PairFilter;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.linalg.TopK;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * An inverted-file index: k-means partitions of the corpus, each scanned exactly with the core's
 * blocked kernels. Its point is the batch job: in {@link #selfJoin} all rows of a partition are
 * queries at once against the union of the {@code probes} partitions nearest to that partition's
 * centre, so the work is a few hundred dense block products rather than n graph walks, and its
 * cost is about {@code probes / lists} of the exact self-join.
 *
 * <p>Partitions are assigned by cosine for cosine and by squared L2 otherwise. Training (Lloyd's
 * algorithm on a seeded sample of 64 rows per list) is deterministic, and every search result is
 * independent of the thread count. Immutable and thread-safe after {@link #build}.
 */
final class IvfIndex implements SelfJoinIndex {
  private static final int SAMPLE_PER_LIST = 64;

  private final FloatMatrix corpus;
  private final long[] ids;
  private final Distance distance;
  private final Distance assign;
  private final IvfParams params;
  private final FloatMatrix centres;
  private final int[][] members;
  /** The partition of every corpus row. */
  private final int[] home;
  private final Duration buildTime;
  private final Map<String, Object> provenance;

  private IvfIndex(FloatMatrix corpus, long[] ids, Distance distance, IvfParams params, FloatMatrix centres,
      int[][] members, int[] home, Duration buildTime) {
    this.corpus = corpus;
    this.ids = ids;
    this.distance = distance;
    this.assign = assignment(distance);
    this.params = params;
    this.centres = centres;
    this.members = members;
    this.home = home;
    this.buildTime = buildTime;
    Map<String, Object> p = VectorIndexes.baseProvenance("ivf", distance, corpus.rows(), corpus.cols());
    p.put("lists", centres.rows());
    p.put("probes", params.probes());
    p.put("kmeans_iterations", params.iterations());
    p.put("seed", params.seed());
    p.put("threads", params.threads());
    p.put("build_s", buildTime.toMillis() / 1000.0);
    this.provenance = Collections.unmodifiableMap(p);
  }

  static IvfIndex build(FloatMatrix corpus, long[] ids, Distance distance, IvfParams params) {
    long t0 = System.nanoTime();
    int n = corpus.rows();
    Distance a = assignment(distance);
    FloatMatrix centres = train(corpus, a, params.listsFor(n), params.iterations(), params.seed());
    int[] home = nearest(corpus, centres, a);
    int[] size = new int[centres.rows()];
    for (int h : home) {
      size[h]++;
    }
    int[][] members = new int[centres.rows()][];
    for (int l = 0; l < members.length; l++) {
      members[l] = new int[size[l]];
    }
    int[] fill = new int[centres.rows()];
    for (int i = 0; i < n; i++) {
      members[home[i]][fill[home[i]]++] = i;
    }
    return new IvfIndex(corpus, ids, distance, params, centres, members, home,
        Duration.ofNanos(System.nanoTime() - t0));
  }

  /** The same partitions scanned with another probe count (no retraining). */
  IvfIndex withProbes(int probes) {
    return new IvfIndex(corpus, ids, distance, params.withProbes(probes), centres, members, home, buildTime);
  }

  int lists() {
    return centres.rows();
  }

  int probes() {
    return Math.min(params.probes(), centres.rows());
  }

  private static Distance assignment(Distance d) {
    return d == Distance.COSINE ? Distance.COSINE : Distance.SQUARED_L2;
  }

  /** Lloyd's algorithm on a seeded sample; an emptied centre keeps its previous position. */
  private static FloatMatrix train(FloatMatrix corpus, Distance a, int lists, int iterations, long seed) {
    int n = corpus.rows();
    int dim = corpus.cols();
    int[] order = shuffled(n, seed);
    int s = Math.min(n, Math.max(lists, SAMPLE_PER_LIST * lists));
    FloatMatrix sample = corpus.gather(Arrays.copyOf(order, s));
    FloatMatrix c = sample.rowRange(0, lists).copy();
    for (int it = 0; it < iterations; it++) {
      int[] home = nearest(sample, c, a);
      double[] sum = new double[lists * dim];
      int[] count = new int[lists];
      for (int i = 0; i < s; i++) {
        count[home[i]]++;
        int o = sample.offset(i);
        for (int j = 0; j < dim; j++) {
          sum[home[i] * dim + j] += sample.data()[o + j];
        }
      }
      for (int l = 0; l < lists; l++) {
        if (count[l] == 0) {
          continue;
        }
        double norm = 0;
        for (int j = 0; j < dim; j++) {
          norm += sum[l * dim + j] * sum[l * dim + j];
        }
        if (a == Distance.COSINE && norm == 0) {
          continue;
        }
        double scale = a == Distance.COSINE ? 1 / Math.sqrt(norm) : 1.0 / count[l];
        for (int j = 0; j < dim; j++) {
          c.set(l, j, (float) (sum[l * dim + j] * scale));
        }
      }
    }
    return c;
  }

  private static int[] nearest(FloatMatrix rows, FloatMatrix centres, Distance a) {
    TopK t = Similarities.topK(rows, centres, a, 1);
    int[] out = new int[rows.rows()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.max(0, t.index(i, 0));
    }
    return out;
  }

  private static int[] shuffled(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  @Override
  public TopK selfJoin(int k, PairFilter filter) {
    return batched(corpus, home, k, filter);
  }

  /**
   * What {@link #selfJoin} returns for the corpus rows {@code rows}, computed for those rows only
   * (the cheap way to measure the self-join's recall for a probe count before running it); the
   * filter sees corpus rows.
   */
  TopK selfJoinRows(int[] rows, int k, PairFilter filter) {
    int[] h = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      h[i] = home[rows[i]];
    }
    return batched(corpus.gather(rows), h, k, filter == null ? null : (qi, key) -> filter.accept(rows[qi], key));
  }

  /**
   * Queries are grouped by their nearest centre, and each group is scanned, as one block product,
   * against the partitions of the {@code probes} centres nearest to that centre: a batch of
   * queries (a Spark block of anchors, the whole corpus) costs a few block products per partition
   * instead of one scan per query. Deterministic; independent of the thread count.
   */
  @Override
  public TopK search(FloatMatrix queries, int k, PairFilter filter) {
    return batched(queries, nearest(queries, centres, assign), k, filter);
  }

  private TopK batched(FloatMatrix queries, int[] qHome, int k, PairFilter filter) {
    int nq = queries.rows();
    int kk = Math.min(k, corpus.rows());
    int[] idx = new int[nq * kk];
    float[] sc = new float[idx.length];
    if (kk == 0 || nq == 0) {
      return new TopK(nq, kk, idx, sc);
    }
    int lists = centres.rows();
    int[] count = new int[lists + 1];
    for (int h : qHome) {
      count[h + 1]++;
    }
    for (int l = 0; l < lists; l++) {
      count[l + 1] += count[l];
    }
    int[] byHome = new int[nq];
    int[] fill = count.clone();
    for (int q = 0; q < nq; q++) {
      byHome[fill[qHome[q]]++] = q;
    }
    TopK probe = Similarities.topK(centres, centres, assign, probes());
    Integer[] order = new Integer[lists];
    for (int l = 0; l < lists; l++) {
      order[l] = l;
    }
    // largest groups first, so that the last tasks are short
    Arrays.sort(order, (x, y) -> Integer.compare(count[y + 1] - count[y], count[x + 1] - count[x]));
    forEach(lists, t -> {
      int l = order[t];
      int[] group = Arrays.copyOfRange(byHome, count[l], count[l + 1]);
      if (group.length == 0) {
        return;
      }
      int[] keys = union(probe, l);
      PairFilter f = filter == null ? null : (qi, kj) -> filter.accept(group[qi], keys[kj]);
      TopK local = Similarities.topKOnCallingThread(queries.gather(group), corpus.gather(keys), distance, kk, f);
      for (int i = 0; i < group.length; i++) {
        copy(local, i, keys, group[i], kk, idx, sc);
      }
    });
    return new TopK(nq, kk, idx, sc);
  }

  /** The rows of the partitions listed in {@code probe}'s row {@code q}, increasing. */
  private int[] union(TopK probe, int q) {
    int total = 0;
    for (int r = 0; r < probe.k(); r++) {
      int l = probe.index(q, r);
      total += l < 0 ? 0 : members[l].length;
    }
    int[] keys = new int[total];
    int w = 0;
    for (int r = 0; r < probe.k(); r++) {
      int l = probe.index(q, r);
      if (l >= 0) {
        System.arraycopy(members[l], 0, keys, w, members[l].length);
        w += members[l].length;
      }
    }
    Arrays.sort(keys);
    return keys;
  }

  /** Row {@code from} of a local result, mapped to corpus rows, into global row {@code to}, padded. */
  private static void copy(TopK t, int from, int[] keys, int to, int kk, int[] idx, float[] sc) {
    int base = to * kk;
    for (int r = 0; r < kk; r++) {
      int local = r < t.k() ? t.index(from, r) : -1;
      idx[base + r] = local < 0 ? -1 : keys[local];
      sc[base + r] = local < 0 ? Float.NaN : t.score(from, r);
    }
  }

  /** Runs tasks {@code [0, n)} on {@code params.threads()} threads, the caller included. */
  private void forEach(int n, IntConsumer body) {
    int helpers = Math.min(params.threads(), n) - 1;
    AtomicInteger next = new AtomicInteger();
    Runnable loop = () -> {
      for (int t; (t = next.getAndIncrement()) < n; ) {
        body.accept(t);
      }
    };
    Thread[] started = new Thread[Math.max(0, helpers)];
    RuntimeException[] failure = new RuntimeException[1];
    for (int h = 0; h < started.length; h++) {
      started[h] = Thread.ofPlatform().daemon().name("negmine-ivf-" + h).start(() -> {
        try {
          loop.run();
        } catch (RuntimeException e) {
          synchronized (failure) {
            failure[0] = e;
          }
          next.set(n);
        }
      });
    }
    try {
      loop.run();
    } finally {
      for (Thread t : started) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while searching", e);
        }
      }
    }
    synchronized (failure) {
      if (failure[0] != null) {
        throw failure[0];
      }
    }
  }

  @Override
  public String kind() {
    return "ivf";
  }

  @Override
  public int size() {
    return corpus.rows();
  }

  @Override
  public int dimension() {
    return corpus.cols();
  }

  @Override
  public Distance distance() {
    return distance;
  }

  @Override
  public long[] ids() {
    return ids;
  }

  @Override
  public FloatMatrix vectors() {
    return corpus;
  }

  @Override
  public Duration buildTime() {
    return buildTime;
  }

  @Override
  public Map<String, Object> provenance() {
    return provenance;
  }
}
