package dev.negmine.cli;

import dev.negmine.core.io.Json;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.linalg.TopK;
import dev.negmine.index.HnswParams;
import dev.negmine.index.SyntheticCorpus;
import dev.negmine.index.VectorIndex;
import dev.negmine.index.VectorIndexes;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code negmine bench offline}: exact and HNSW indexes over a seeded clustered corpus: build time,
 * queries per second (all threads) and HNSW recall@top against exact search.
 */
@Command(
    name = "offline",
    mixinStandardHelpOptions = true,
    description = "Build exact and HNSW (Lucene) indexes over a seeded clustered corpus of unit vectors and report build time, queries/s and recall@top of HNSW against exact search.")
final class OfflineBench implements Callable<Integer> {
  @Option(names = "--corpus", defaultValue = "100000", description = "Corpus rows (default ${DEFAULT-VALUE}).")
  int corpus;

  @Option(names = "--dim", defaultValue = "128", description = "Dimension (default ${DEFAULT-VALUE}).")
  int dim;

  @Option(names = "--top", defaultValue = "200", description = "Neighbours per query (default ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--queries", defaultValue = "1000", description = "Queries, drawn from the corpus (default ${DEFAULT-VALUE}).")
  int queries;

  @Option(names = "--clusters", defaultValue = "1000", description = "Clusters in the corpus (default ${DEFAULT-VALUE}).")
  int clusters;

  @Option(names = "--spread", defaultValue = "0.06", description = "Per-coordinate noise around each centre (default ${DEFAULT-VALUE}).")
  double spread;

  // Bench defaults: the cheapest build measured to reach recall@200 >= 0.95 on the default corpus
  // (M=16/efC=100: 0.938 at ef 256, 0.962 at ef 400); `negmine mine` keeps M=32/efC=200/ef=256.
  @Option(names = "--hnsw-m", defaultValue = "16", description = "HNSW M (default ${DEFAULT-VALUE}).")
  int m;

  @Option(names = "--ef-construction", defaultValue = "100", description = "HNSW build beam (default ${DEFAULT-VALUE}).")
  int efConstruction;

  @Option(names = "--ef", defaultValue = "400", description = "HNSW search beam (default ${DEFAULT-VALUE}).")
  int ef;

  @Option(names = "--threads", description = "HNSW build threads (default: all processors).")
  Integer threads;

  @Option(names = "--seed", defaultValue = "42", description = "Data and graph seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Override
  public Integer call() {
    if (corpus < 2 || dim < 1 || top < 1 || queries < 1 || queries > corpus || clusters < 1) {
      throw new UserInputException("need --corpus >= 2, --dim >= 1, --top >= 1, 1 <= --queries <= --corpus, --clusters >= 1");
    }
    HnswParams params;
    try {
      params = new HnswParams(m, efConstruction, ef, seed,
          threads == null ? Runtime.getRuntime().availableProcessors() : threads);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage());
    }
    SyntheticCorpus c = SyntheticCorpus.clustered(corpus, dim, clusters, spread, seed);
    int stride = corpus / queries;
    int[] rows = new int[queries];
    for (int i = 0; i < queries; i++) {
      rows[i] = i * stride;
    }
    FloatMatrix q = c.vectors().gather(rows);
    Distance d = Distance.COSINE;

    VectorIndex exact = VectorIndexes.exact(c.vectors(), null, d);
    long t0 = System.nanoTime();
    TopK truth = exact.search(q, top);
    double exactMs = (System.nanoTime() - t0) / 1e6;

    double load0 = BenchTiming.loadAverage();
    double cpu0 = BenchTiming.processCpuSeconds();
    VectorIndex hnsw = VectorIndexes.hnsw(c.vectors(), null, d, params);
    double buildCpu = BenchTiming.processCpuSeconds() - cpu0;
    long t1 = System.nanoTime();
    TopK approx = hnsw.search(q, top);
    double hnswMs = (System.nanoTime() - t1) / 1e6;
    double recall = SyntheticCorpus.recall(approx, truth);

    Map<String, Object> o = new LinkedHashMap<>();
    o.put("corpus", corpus);
    o.put("dim", dim);
    o.put("top", top);
    o.put("queries", queries);
    o.put("clusters", clusters);
    o.put("distance", d.cliName());
    o.put("backend", Similarities.backend());
    o.put("threads", Runtime.getRuntime().availableProcessors());
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("build_s", 0.0);
    e.put("queries_per_s", Math.round(queries / (exactMs / 1e3)));
    e.put("recall", 1.0);
    o.put("exact", e);
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("build_s", BenchTiming.round(hnsw.buildTime().toNanos() / 1e9));
    h.put("build_cpu_s", BenchTiming.round(buildCpu));
    h.put("build_threads", params.buildThreads());
    h.put("queries_per_s", Math.round(queries / (hnswMs / 1e3)));
    h.put("recall", BenchTiming.round(recall));
    h.put("params", hnsw.provenance());
    o.put("hnsw", h);
    o.put("load_average_before_build", load0);
    o.put("load_average_after", BenchTiming.loadAverage());
    if (json) {
      System.out.println(Json.write(o));
    } else {
      System.out.printf(Locale.ROOT, "corpus %d x %d (%d clusters), %d queries, top %d, %s%n", corpus, dim, clusters, queries, top, d.cliName());
      System.out.printf(Locale.ROOT, "exact: %.0f queries/s%n", queries / (exactMs / 1e3));
      System.out.printf(Locale.ROOT, "hnsw (M=%d, efC=%d, ef=%d, %d build threads): build %.1f s (%.1f CPU s), %.0f queries/s, recall@%d %.4f%n",
          m, efConstruction, ef, params.buildThreads(), hnsw.buildTime().toNanos() / 1e9, buildCpu, queries / (hnswMs / 1e3), top, recall);
      System.out.printf(Locale.ROOT, "load average %.2f before the build, %.2f after%n", load0, BenchTiming.loadAverage());
    }
    return 0;
  }
}
