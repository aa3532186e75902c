package dev.negmine.index;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.PairFilter;
import org.apache.lucene.util.Bits;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.linalg.TopK;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.lucene.codecs.hnsw.DefaultFlatVectorScorer;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TaskExecutor;
import org.apache.lucene.util.hnsw.HnswConcurrentMergeBuilder;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * HNSW through Lucene's raw graph API: {@link HnswGraphBuilder} (one thread, reproducible from the
 * seed) or {@link HnswConcurrentMergeBuilder} (several threads) over an on-heap {@link
 * FloatVectorValues}, searched with {@link HnswGraphSearcher}'s on-heap searcher, which reads
 * neighbour arrays without the graph's shared cursor and so is safe from many threads.
 *
 * <p>Similarity mapping: cosine indexes L2-normalised copies under Lucene's dot product, dot under
 * maximum inner product, L2 and squared L2 under Euclidean. Lucene's scores only steer the graph
 * walk: each hit's score is recomputed with the core kernel and hits are re-ranked by it, so
 * results follow the {@link VectorIndex} contract exactly as {@link ExactIndex} does.
 */
final class LuceneHnswIndex implements VectorIndex {
  private final FloatMatrix corpus;
  private final FloatMatrix searchRows;
  private final long[] ids;
  private final Distance distance;
  private final HnswParams params;
  private final VectorSimilarityFunction similarity;
  private final FloatVectorValues values;
  private final OnHeapHnswGraph graph;
  private final Duration buildTime;
  private final Map<String, Object> provenance;

  private LuceneHnswIndex(FloatMatrix corpus, FloatMatrix searchRows, long[] ids, Distance distance, HnswParams params,
      VectorSimilarityFunction similarity, FloatVectorValues values, OnHeapHnswGraph graph, Duration buildTime) {
    this.corpus = corpus;
    this.searchRows = searchRows;
    this.ids = ids;
    this.distance = distance;
    this.params = params;
    this.similarity = similarity;
    this.values = values;
    this.graph = graph;
    this.buildTime = buildTime;
    Map<String, Object> p = VectorIndexes.baseProvenance("hnsw", distance, corpus.rows(), corpus.cols());
    p.put("library", "lucene-core " + luceneVersion());
    p.put("lucene_similarity", similarity.name());
    p.put("m", params.m());
    p.put("ef_construction", params.efConstruction());
    p.put("ef", params.ef());
    p.put("seed", params.seed());
    p.put("build_threads", params.buildThreads());
    p.put("build_ms", buildTime.toMillis());
    this.provenance = Collections.unmodifiableMap(p);
  }

  static LuceneHnswIndex build(FloatMatrix corpus, long[] ids, Distance distance, HnswParams params) throws IOException {
    long t0 = System.nanoTime();
    FloatMatrix rows = distance == Distance.COSINE ? Similarities.normalizeRows(corpus) : corpus;
    VectorSimilarityFunction sim = switch (distance) {
      case COSINE -> VectorSimilarityFunction.DOT_PRODUCT;
      case DOT -> VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
      case L2, SQUARED_L2 -> VectorSimilarityFunction.EUCLIDEAN;
    };
    int n = rows.rows();
    List<float[]> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(rows.row(i));
    }
    FloatVectorValues values = FloatVectorValues.fromFloats(list, rows.cols());
    RandomVectorScorerSupplier supplier = DefaultFlatVectorScorer.INSTANCE.getRandomVectorScorerSupplier(sim, values);
    OnHeapHnswGraph graph;
    int threads = Math.min(params.buildThreads(), Math.max(1, n / 1000));
    if (threads <= 1) {
      graph = HnswGraphBuilder.create(supplier, params.m(), params.efConstruction(), params.seed(), n).build(n);
    } else {
      OnHeapHnswGraph empty = HnswGraphBuilder.create(supplier, params.m(), params.efConstruction(), params.seed(), n).getGraph();
      ExecutorService pool = Executors.newFixedThreadPool(threads, daemon("negmine-hnsw-build"));
      try {
        // Lucene 10.x argument order: (executor, workers, scorers, M, beamWidth, graph, initialised nodes)
        graph = new HnswConcurrentMergeBuilder(new TaskExecutor(pool), threads, supplier,
            params.m(), params.efConstruction(), empty, null).build(n);
      } finally {
        pool.shutdown();
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    return new LuceneHnswIndex(corpus, rows, ids, distance, params.withBuildThreads(Math.max(1, threads)), sim, values, graph, took);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private static String luceneVersion() {
    return org.apache.lucene.util.Version.LATEST.toString();
  }

  @Override
  public String kind() {
    return "hnsw";
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

  @Override
  public TopK search(FloatMatrix queries, int k, PairFilter filter) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, got " + k);
    }
    if (queries.cols() != corpus.cols()) {
      throw new IllegalArgumentException("queries have dimension " + queries.cols() + ", the index " + corpus.cols());
    }
    int kk = Math.min(k, corpus.rows());
    int nq = queries.rows();
    int[] idx = new int[nq * kk];
    float[] sc = new float[nq * kk];
    FloatMatrix q = distance == Distance.COSINE ? Similarities.normalizeRows(queries) : queries;
    int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), nq / 16));
    if (threads == 1 || kk == 0) {
      searchRange(q, queries, 0, nq, kk, idx, sc, filter);
    } else {
      ExecutorService pool = Executors.newFixedThreadPool(threads, daemon("negmine-hnsw-search"));
      try {
        List<Future<?>> parts = new ArrayList<>();
        int per = (nq + threads - 1) / threads;
        for (int t = 0; t < threads; t++) {
          int from = t * per;
          int to = Math.min(nq, from + per);
          parts.add(pool.submit(() -> searchRange(q, queries, from, to, kk, idx, sc, filter)));
        }
        for (Future<?> f : parts) {
          f.get();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while searching", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      } finally {
        pool.shutdown();
      }
    }
    return new TopK(nq, kk, idx, sc);
  }

  /** Searches queries [from, to): each query gets its own Lucene scorer and searcher state. */
  private void searchRange(FloatMatrix q, FloatMatrix original, int from, int to, int k, int[] idx, float[] sc,
      PairFilter filter) {
    try {
      int beam = Math.max(k, params.ef());
      for (int i = from; i < to; i++) {
        RandomVectorScorer scorer = DefaultFlatVectorScorer.INSTANCE.getRandomVectorScorer(similarity, values, q.row(i));
        Bits accept = filter == null ? null : new QueryBits(filter, i, corpus.rows());
        KnnCollector c = HnswGraphSearcher.search(scorer, beam, graph, accept, Integer.MAX_VALUE);
        ScoreDoc[] docs = c.topDocs().scoreDocs;
        int m = docs.length;
        int[] rows = new int[m];
        float[] exact = new float[m];
        for (int j = 0; j < m; j++) {
          rows[j] = docs[j].doc;
          exact[j] = Similarities.score(original, i, corpus, rows[j], distance);
        }
        Rerank.bestFirst(rows, exact, m, distance, k, idx, sc, i * k);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lucene's view of a {@link PairFilter} for one query. */
  private record QueryBits(PairFilter filter, int query, int length) implements Bits {
    @Override
    public boolean get(int index) {
      return filter.accept(query, index);
    }
  }
}
