package dev.negmine.index;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds {@link VectorIndex} instances. Thread-safe; every index it returns is thread-safe. */
public final class VectorIndexes {
  private VectorIndexes() {}

  /**
   * Exact search with the core's blocked SIMD kernel ({@link Similarities#topK}): build is free,
   * each query costs O(n d).
   *
   * @param ids one id per row, or null for ids 0..n-1
   */
  public static VectorIndex exact(FloatMatrix corpus, long[] ids, Distance distance) {
    return new ExactIndex(corpus, checkIds(corpus, ids), distance);
  }

  /** An HNSW graph built with Lucene's builder (concurrent when {@code params.buildThreads() > 1}). */
  public static VectorIndex hnsw(FloatMatrix corpus, long[] ids, Distance distance, HnswParams params) {
    try {
      return LuceneHnswIndex.build(corpus, checkIds(corpus, ids), distance, params);
    } catch (IOException e) {
      // Lucene's in-memory scorers declare IOException but perform no I/O here.
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An inverted file over k-means partitions, each scanned exactly by the core's kernels; built for
   * the whole-corpus job ({@link SelfJoinIndex#selfJoin}), where it shares every block product
   * between the rows of a partition.
   */
  public static SelfJoinIndex ivf(FloatMatrix corpus, long[] ids, Distance distance, IvfParams params) {
    return IvfIndex.build(corpus, checkIds(corpus, ids), distance, params);
  }

  /**
   * Builds the index a kind name selects ({@code exact}, {@code hnsw}, or {@code ivf} with {@link
   * IvfParams#defaults()} and the HNSW seed and build threads).
   */
  public static VectorIndex build(String kind, FloatMatrix corpus, long[] ids, Distance distance, HnswParams params) {
    return build(kind, corpus, ids, distance, params, IvfParams.defaults().probes());
  }

  /** As {@link #build(String, FloatMatrix, long[], Distance, HnswParams)}, IVF scanning {@code ivfProbes} partitions per query. */
  public static VectorIndex build(String kind, FloatMatrix corpus, long[] ids, Distance distance, HnswParams params, int ivfProbes) {
    return switch (kind) {
      case "exact" -> exact(corpus, ids, distance);
      case "hnsw" -> hnsw(corpus, ids, distance, params);
      case "ivf" -> ivf(corpus, ids, distance, new IvfParams(0, ivfProbes,
          IvfParams.defaults().iterations(), params.seed(), params.buildThreads()));
      default -> throw new IllegalArgumentException("unknown index '" + kind + "' (expected exact, hnsw or ivf)");
    };
  }

  private static long[] checkIds(FloatMatrix corpus, long[] ids) {
    if (corpus == null || corpus.cols() < 1) {
      throw new IllegalArgumentException("corpus must be set and have at least one column");
    }
    if (ids == null) {
      long[] out = new long[corpus.rows()];
      for (int i = 0; i < out.length; i++) {
        out[i] = i;
      }
      return out;
    }
    if (ids.length != corpus.rows()) {
      throw new IllegalArgumentException("ids has " + ids.length + " entries but the corpus has " + corpus.rows() + " rows");
    }
    return ids;
  }

  /** Provenance common to every index. */
  static Map<String, Object> baseProvenance(String kind, Distance d, int size, int dim) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("kind", kind);
    p.put("distance", d.cliName());
    p.put("size", size);
    p.put("dimension", dim);
    p.put("vector_backend", Similarities.backend());
    p.put("jdk", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
    p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    return p;
  }
}
