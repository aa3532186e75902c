package dev.negmine.index;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.PairFilter;
import dev.negmine.core.linalg.PartialTopK;
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
 * blocked kernels. Every query probes the {@code probes} partitions whose centres are nearest to
 * it, as faiss's IVF does, so the cost is about {@code probes / lists} of the exact scan. Its point
 * is the batch job: all queries are known up front, so a chunk of them is bucketed by partition
 * and each partition is scanned once, as one dense block product, for all the chunk's queries
 * that probe it, the partial results folding into one order-independent top-k
 * ({@link PartialTopK}). A whole-corpus
 * self-join is thus a few thousand block products rather than n graph walks.
 *
 * <p>Partitions are assigned by cosine for cosine and by squared L2 otherwise. Training (Lloyd's
 * algorithm on a seeded sample of 64 rows per list) is deterministic, and every search result is
 * independent of the thread count. Immutable and thread-safe after {@link #build}.
 */
final class IvfIndex implements SelfJoinIndex {
  private static final int SAMPLE_PER_LIST = 24;

  private final FloatMatrix corpus;
  private final long[] ids;
  private final Distance distance;
  private final Distance assign;
  private final IvfParams params;
  private final FloatMatrix centres;
  private final int[][] members;
  /** Each partition's rows, gathered into one matrix. */
  private final FloatMatrix[] partitions;
  private final Duration buildTime;
  private final Map<String, Object> provenance;
  /**
   * Most queries per task: large, so that each partition is scanned for many queries at once (a
   * chunk of c queries gives a partition about c * probes / lists of them); a chunk's top-k state
   * is c x k entries.
   */
  private static final int CHUNK = 131_072;
  /** Corpus rows' nearest {@link #probes} partitions, row-major, nearest first (on first self-join). */
  private volatile int[] corpusProbes;

  private IvfIndex(FloatMatrix corpus, long[] ids, Distance distance, IvfParams params, FloatMatrix centres,
      int[][] members, FloatMatrix[] partitions, Duration buildTime) {
    this.corpus = corpus;
    this.ids = ids;
    this.distance = distance;
    this.assign = assignment(distance);
    this.params = params;
    this.centres = centres;
    this.members = members;
    this.partitions = partitions;
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
    FloatMatrix[] partitions = new FloatMatrix[members.length];
    for (int l = 0; l < members.length; l++) {
      partitions[l] = corpus.gather(members[l]);
    }
    return new IvfIndex(corpus, ids, distance, params, centres, members, partitions,
        Duration.ofNanos(System.nanoTime() - t0));
  }

  /** The same partitions scanned with another probe count (no retraining). */
  IvfIndex withProbes(int probes) {
    return new IvfIndex(corpus, ids, distance, params.withProbes(probes), centres, members, partitions, buildTime);
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
    return batched(corpus, corpusProbes(null), k, filter);
  }

  /**
   * What {@link #selfJoin} returns for the corpus rows {@code rows}, computed for those rows only
   * (the cheap way to measure the self-join's recall for a probe count before running it): each
   * row probes the same partitions, so the two agree row for row. The filter sees corpus rows.
   */
  TopK selfJoinRows(int[] rows, int k, PairFilter filter) {
    return batched(corpus.gather(rows), corpusProbes(rows), k, filter == null ? null : (qi, key) -> filter.accept(rows[qi], key));
  }

  /** Each query probes its {@code probes} nearest partitions. Deterministic; independent of the thread count. */
  @Override
  public TopK search(FloatMatrix queries, int k, PairFilter filter) {
    return batched(queries, probeSets(queries), k, filter);
  }

  /** Each row's {@code probes} nearest partitions, nearest first, row-major (-1 where there are fewer). */
  private int[] probeSets(FloatMatrix queries) {
    return Similarities.topK(queries, centres, assign, probes()).indices();
  }

  /**
   * The probe sets of corpus rows {@code rows} (null: all). The whole corpus's are computed once per
   * probe count and kept (a Spark shard only ever searches, so the build does not compute them); a
   * sample's are computed for its rows alone, equal row for row.
   */
  private int[] corpusProbes(int[] rows) {
    if (rows != null) {
      int[] all = corpusProbes;
      if (all == null) {
        return probeSets(corpus.gather(rows));
      }
      int p = probes();
      int[] out = new int[rows.length * p];
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(all, rows[i] * p, out, i * p, p);
      }
      return out;
    }
    int[] all = corpusProbes;
    if (all == null) {
      synchronized (this) {
        all = corpusProbes;
        if (all == null) {
          all = probeSets(corpus);
          corpusProbes = all;
        }
      }
    }
    return all;
  }

  private TopK batched(FloatMatrix queries, int[] probe, int k, PairFilter filter) {
    int nq = queries.rows();
    int kk = Math.min(k, corpus.rows());
    int[] idx = new int[nq * kk];
    float[] sc = new float[idx.length];
    if (kk == 0 || nq == 0) {
      return new TopK(nq, kk, idx, sc);
    }
    int p = probe.length / nq;
    int lists = centres.rows();
    // at least four chunks per thread (when there are enough queries), so every thread has work
    int chunk = Math.max(4096, Math.min(CHUNK, (nq + 4 * params.threads() - 1) / (4 * params.threads())));
    int chunks = (nq + chunk - 1) / chunk;
    forEach(chunks, c -> {
      int q0 = c * chunk;
      int q1 = Math.min(nq, q0 + chunk);
      PartialTopK acc = new PartialTopK(q1 - q0, kk, distance, filter == null ? null : (qi, key) -> filter.accept(q0 + qi, key));
      // bucket the chunk's (query, probed partition) pairs by partition: one block product each
      int[] start = new int[lists + 1];
      for (int i = q0 * p; i < q1 * p; i++) {
        if (probe[i] >= 0) {
          start[probe[i] + 1]++;
        }
      }
      for (int l = 0; l < lists; l++) {
        start[l + 1] += start[l];
      }
      int[] local = new int[start[lists]];
      int[] fill = start.clone();
      for (int q = q0; q < q1; q++) {
        for (int r = 0; r < p; r++) {
          int l = probe[q * p + r];
          if (l >= 0) {
            local[fill[l]++] = q - q0;
          }
        }
      }
      for (int l = 0; l < lists; l++) {
        if (start[l + 1] == start[l] || members[l].length == 0) {
          continue;
        }
        int[] rows = Arrays.copyOfRange(local, start[l], start[l + 1]);
        int[] global = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
          global[i] = q0 + rows[i];
        }
        acc.scan(queries.gather(global), rows, partitions[l], members[l]);
      }
      TopK t = acc.result();
      System.arraycopy(t.indices(), 0, idx, q0 * kk, (q1 - q0) * kk);
      System.arraycopy(t.scores(), 0, sc, q0 * kk, (q1 - q0) * kk);
    });
    return new TopK(nq, kk, idx, sc);
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
