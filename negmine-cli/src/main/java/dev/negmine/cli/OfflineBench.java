package dev.negmine.cli;

import dev.negmine.core.io.Json;
import dev.negmine.core.io.Npy;
import dev.negmine.core.io.NpyArray;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.linalg.TopK;
import dev.negmine.core.pool.CandidatePool;
import dev.negmine.index.HnswParams;
import dev.negmine.index.IvfParams;
import dev.negmine.index.NegativeFilters;
import dev.negmine.index.OfflineMiner;
import dev.negmine.index.RecallPlanner;
import dev.negmine.index.SyntheticCorpus;
import dev.negmine.index.VectorIndex;
import dev.negmine.index.VectorIndexes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code negmine bench offline}: the whole-corpus top-k job (every row queries the corpus) timed
 * end to end for each negmine path and, through a Python subprocess on the same vectors with the
 * same parameters and threads, for hnswlib and faiss when they import. Prints a table or JSON with
 * each job's build, query and total seconds, recall@top, and its total relative to hnswlib's.
 */
@Command(
    name = "offline",
    mixinStandardHelpOptions = true,
    description = "The whole-corpus top-k job (every row a query) for negmine's exact self-join, IVF and Lucene HNSW next to hnswlib and faiss (Python, when installed) on the same seeded clustered unit vectors, parameters and threads; build/query/total seconds, recall@top and ratios to hnswlib.")
final class OfflineBench implements Callable<Integer> {
  @Option(names = "--corpus", defaultValue = "100000", description = "Corpus rows (default ${DEFAULT-VALUE}).")
  int corpus;

  @Option(names = "--dim", defaultValue = "128", description = "Dimension (default ${DEFAULT-VALUE}).")
  int dim;

  @Option(names = "--top", defaultValue = "200", description = "Neighbours per row (default ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--clusters", defaultValue = "1000", description = "Gaussian clusters, one label each (default ${DEFAULT-VALUE}).")
  int clusters;

  @Option(names = "--sigma", defaultValue = "0.3",
      description = "Noise per coordinate around N(0, 1) centres, before normalising (default ${DEFAULT-VALUE}).")
  double sigma;

  @Option(names = "--jobs", split = ",", defaultValue = "exact,ivf,hnswlib,faiss-flat",
      description = "Jobs: exact, ivf, hnsw (Lucene), hnswlib, faiss-flat, faiss-ivf (default ${DEFAULT-VALUE}).")
  List<String> jobs;

  @Option(names = "--hnsw-m", defaultValue = "16", description = "HNSW M (default ${DEFAULT-VALUE}).")
  int m;

  @Option(names = "--ef-construction", defaultValue = "100", description = "HNSW build beam (default ${DEFAULT-VALUE}).")
  int efConstruction;

  @Option(names = "--ef", defaultValue = "400", description = "HNSW search beam (default ${DEFAULT-VALUE}).")
  int ef;

  @Option(names = "--ivf-lists", defaultValue = "0", description = "IVF partitions, 0 = about 8 sqrt(corpus), at most corpus/64 (default ${DEFAULT-VALUE}).")
  int lists;

  @Option(names = "--ivf-probes", defaultValue = "24", description = "IVF partitions scanned per query (default ${DEFAULT-VALUE}).")
  int probes;

  @Option(names = "--recall", defaultValue = "0.95",
      description = "Recall target of the 'planned' job (what mine --recall picks: exact or IVF; default ${DEFAULT-VALUE}).")
  double recallTarget;

  @Option(names = "--threads", description = "Threads of every job (default: all processors; negmine's kernels use all processors).")
  Integer threads;

  @Option(names = "--python", description = "Python with hnswlib/faiss (default: /usr/bin/python3 if present, else python3).")
  String python;

  @Option(names = "--recall-sample", defaultValue = "1000", description = "Rows on which recall is measured (default ${DEFAULT-VALUE}).")
  int recallSample;

  @Option(names = "--seed", defaultValue = "42", description = "Data and index seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  private static final List<String> KNOWN = List.of("exact", "ivf", "hnsw", "planned", "torch-fp32", "hnswlib", "faiss-flat",
      "faiss-ivf");

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (corpus < 2 || dim < 1 || top < 1 || clusters < 1 || !(sigma >= 0) || recallSample < 1) {
      throw new UserInputException("need --corpus >= 2, --dim >= 1, --top >= 1, --clusters >= 1, --sigma >= 0, --recall-sample >= 1");
    }
    for (String j : jobs) {
      if (!KNOWN.contains(j)) {
        throw new UserInputException("--jobs: unknown '" + j + "' (expected " + String.join(", ", KNOWN) + ")");
      }
    }
    int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    HnswParams hp;
    IvfParams ip;
    try {
      hp = new HnswParams(m, efConstruction, ef, seed, t);
      ip = new IvfParams(lists, probes, IvfParams.defaults().iterations(), seed, t);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage());
    }
    // N(0, 1/d) centres with noise sigma/sqrt(d) are N(0, 1) centres with noise sigma, scaled.
    SyntheticCorpus c = SyntheticCorpus.clustered(corpus, dim, clusters, sigma / Math.sqrt(dim), seed);
    Distance d = Distance.COSINE;
    int[] sample = new SplittableRandom(seed).ints(0, corpus).distinct().limit(Math.min(recallSample, corpus)).toArray();
    Map<String, Object> results = new LinkedHashMap<>();
    if (jobs.contains("hnswlib") || jobs.contains("faiss-flat") || jobs.contains("faiss-ivf")) {
      results.putAll(external(c, sample, t, ip));
    }
    for (String j : List.of("exact", "ivf", "hnsw", "planned")) {
      if (jobs.contains(j)) {
        results.put("negmine-" + j, mine(j, c, hp, ip, sample));
      }
    }
    if (jobs.contains("torch-fp32") && System.getProperty("ai.djl.pytorch.num_threads") == null) {
      // the same threads as every other job (negmine's default for training is 1 on small machines)
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(t));
    }
    if (jobs.contains("torch-fp32")) {
      results.put("torch-fp32", torch(c, sample));
    }
    Object base = results.get("hnswlib");
    if (base instanceof Map<?, ?> hb && hb.get("total_s") instanceof Number hn) {
      for (Object r : results.values()) {
        if (r instanceof Map<?, ?> rm && rm.get("total_s") instanceof Number n) {
          @SuppressWarnings("unchecked")
          Map<String, Object> w = (Map<String, Object>) rm;
          w.put("vs_hnswlib", BenchTiming.round(n.doubleValue() / hn.doubleValue()));
        }
      }
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("corpus", corpus);
    o.put("dim", dim);
    o.put("top", top);
    o.put("clusters", clusters);
    o.put("sigma", sigma);
    o.put("distance", d.cliName());
    o.put("threads", t);
    o.put("processors", Runtime.getRuntime().availableProcessors());
    o.put("backend", Similarities.backend());
    o.put("negmine_job", "mine: top " + top + " other-label, other-row neighbours per row, positives, pool arrays");
    o.put("external_job", "k-NN: top " + top + " neighbours per row (the row itself included)");
    o.put("jobs", results);
    if (json) {
      System.out.println(Json.write(o));
    } else {
      System.out.printf(Locale.ROOT, "corpus %d x %d (%d clusters, sigma %.2f), top %d, %d threads, %s%n",
          corpus, dim, clusters, sigma, top, t, Similarities.backend());
      System.out.printf(Locale.ROOT, "%-16s %9s %9s %9s %8s %10s %s%n", "job", "build s", "query s", "total s", "recall", "vs hnswlib", "load");
      for (Map.Entry<String, Object> e : results.entrySet()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) e.getValue();
        if (r.containsKey("skipped")) {
          System.out.printf(Locale.ROOT, "%-16s skipped: %s%n", e.getKey(), r.get("skipped"));
          continue;
        }
        System.out.printf(Locale.ROOT, "%-16s %9.2f %9.2f %9.2f %8.4f %10s %s%n", e.getKey(), num(r, "build_s"),
            num(r, "query_s"), num(r, "total_s"), num(r, "recall"), r.getOrDefault("vs_hnswlib", "-"),
            r.getOrDefault("load_average", "-"));
        if (r.get("index_choice") instanceof Map<?, ?> choice) {
          System.out.printf(Locale.ROOT, "%-16s chose %s: %s%n", "", choice.get("kind"), choice.get("reason"));
        }
      }
    }
    return 0;
  }

  private static double num(Map<?, ?> r, String key) {
    return r.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  /** One negmine mining job end to end: index build, then the pool (all rows) with recall on the sample. */
  private Map<String, Object> mine(String kind, SyntheticCorpus c, HnswParams hp, IvfParams ip, int[] sample) {
    double load0 = BenchTiming.loadAverage();
    double cpu0 = BenchTiming.processCpuSeconds();
    long t0 = System.nanoTime();
    Map<String, Object> choice = null;
    VectorIndex index;
    if (kind.equals("planned")) {
      // what mine --recall R does: plan (recall of each probe count on a sample), then mine with the choice
      RecallPlanner.Plan plan = RecallPlanner.plan(c.vectors(), null, c.labels(), Distance.COSINE, NegativeFilters.defaults(),
          top, recallTarget, recallSample, seed, ip.threads());
      index = plan.index();
      choice = plan.describe();
    } else {
      index = kind.equals("ivf") ? VectorIndexes.ivf(c.vectors(), null, Distance.COSINE, ip)
          : VectorIndexes.build(kind, c.vectors(), null, Distance.COSINE, hp);
    }
    long t1 = System.nanoTime();
    // Recall is measured after the clock stops: exact search of the sample is the measurement, not the job.
    CandidatePool pool = OfflineMiner.builder().top(top).recallSample(0).seed(seed).build().mine(index, c.labels());
    long t2 = System.nanoTime();
    double cpu = BenchTiming.processCpuSeconds() - cpu0;
    double recall = poolRecall(pool, c, sample);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("build_s", BenchTiming.round((t1 - t0) / 1e9));
    r.put("query_s", BenchTiming.round((t2 - t1) / 1e9));
    r.put("total_s", BenchTiming.round((t2 - t0) / 1e9));
    r.put("cpu_s", BenchTiming.round(cpu));
    r.put("recall", BenchTiming.round(recall));
    r.put("candidates", pool.candidates());
    r.put("index", index.provenance());
    if (choice != null) {
      r.put("index_choice", choice);
    }
    r.put("load_average", load0 + " -> " + BenchTiming.loadAverage());
    return r;
  }

  /**
   * The job through libtorch's matrix product and top-k ({@code LibtorchSelfJoin} in negmine-train); on the sample,
   * recall against exact search and the share of rows whose list equals negmine's exact one
   * entry for entry (the pool's order: best first, ties to the lower row).
   */
  private Map<String, Object> torch(SyntheticCorpus c, int[] sample) {
    double load0 = BenchTiming.loadAverage();
    double cpu0 = BenchTiming.processCpuSeconds();
    long t0 = System.nanoTime();
    int[][] lists = dev.negmine.train.engine.LibtorchSelfJoin.run(c.vectors(), c.labels(), top);
    long t1 = System.nanoTime();
    double cpu = BenchTiming.processCpuSeconds() - cpu0;
    TopK truth = sampleTruth(c, sample);
    int same = 0;
    for (int q = 0; q < sample.length; q++) {
      boolean equal = true;
      for (int r = 0; r < top; r++) {
        equal &= lists[sample[q]][r] == truth.index(q, r);
      }
      same += equal ? 1 : 0;
    }
    double recall = recall(truth, q -> {
      java.util.Set<Long> got = new java.util.HashSet<>();
      for (int key : lists[sample[q]]) {
        got.add((long) key);
      }
      return got;
    });
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("build_s", 0.0);
    r.put("query_s", BenchTiming.round((t1 - t0) / 1e9));
    r.put("total_s", BenchTiming.round((t1 - t0) / 1e9));
    r.put("cpu_s", BenchTiming.round(cpu));
    r.put("recall", BenchTiming.round(recall));
    r.put("lists_equal_to_exact", BenchTiming.round((double) same / sample.length));
    r.put("engine", "libtorch fp32, "
        + dev.negmine.train.engine.TorchRuntime.threads() + " intra-op thread(s)");
    r.put("load_average", load0 + " -> " + BenchTiming.loadAverage());
    return r;
  }

  /**
   * Recall@top of a pool on the sample rows against exact search with the pool's filters (another
   * label; ids are row numbers here), ties counted by row as the pool orders them.
   */
  private double poolRecall(CandidatePool pool, SyntheticCorpus c, int[] sample) {
    return recall(sampleTruth(c, sample), q -> {
      int a = pool.indexOf(sample[q]);
      java.util.Set<Long> got = new java.util.HashSet<>();
      for (int r = 0; a >= 0 && r < pool.count(a); r++) {
        got.add(pool.candidateId(a, r));
      }
      return got;
    });
  }

  /** Exact search of the sample rows with the mining job's filters (another row, another label): the truth. */
  private TopK sampleTruth(SyntheticCorpus c, int[] sample) {
    long[] l = c.labels();
    return Similarities.topK(c.vectors().gather(sample), c.vectors(), Distance.COSINE, top,
        (q, key) -> key != sample[q] && l[key] != l[sample[q]]);
  }

  /** The share of {@code truth}'s entries that sample row q's kept ids ({@code got.apply(q)}) hold; 1 when there are none. */
  private static double recall(TopK truth, java.util.function.IntFunction<java.util.Set<Long>> got) {
    long hit = 0;
    long total = 0;
    for (int q = 0; q < truth.queries(); q++) {
      java.util.Set<Long> kept = got.apply(q);
      for (int r = 0; r < truth.k(); r++) {
        int want = truth.index(q, r);
        if (want >= 0) {
          total++;
          hit += kept.contains((long) want) ? 1 : 0;
        }
      }
    }
    return total == 0 ? 1.0 : (double) hit / total;
  }

  /** hnswlib / faiss in Python on the same vectors; their own clocks, recall against our exact lists. */
  private Map<String, Object> external(SyntheticCorpus c, int[] sample, int t, IvfParams ip)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("negmine-bench-offline");
    try {
      Npy.write(dir.resolve("x.npy"), NpyArray.of(c.vectors()));
      Npy.write(dir.resolve("sample.npy"), NpyArray.ofInts(sample, sample.length));
      TopK truth = Similarities.topK(c.vectors().gather(sample), c.vectors(), Distance.COSINE, top);
      Npy.write(dir.resolve("truth.npy"), NpyArray.ofInts(truth.indices(), truth.queries(), truth.k()));
      Path script = dir.resolve("offline_bench.py");
      try (InputStream in = OfflineBench.class.getResourceAsStream("offline_bench.py")) {
        Files.copy(in, script);
      }
      List<String> ext = new ArrayList<>();
      for (String j : jobs) {
        if (j.equals("hnswlib") || j.startsWith("faiss")) {
          ext.add(j);
        }
      }
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("vectors", dir.resolve("x.npy").toString());
      a.put("sample", dir.resolve("sample.npy").toString());
      a.put("truth", dir.resolve("truth.npy").toString());
      a.put("top", top);
      a.put("threads", t);
      a.put("jobs", ext);
      a.put("m", m);
      a.put("ef_construction", efConstruction);
      a.put("ef", ef);
      a.put("seed", seed);
      a.put("lists", lists > 0 ? lists : (int) Math.round(Math.sqrt(corpus)));
      a.put("probes", probes);
      String py = python != null ? python : Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
      double load0 = BenchTiming.loadAverage();
      Process p = new ProcessBuilder(py, script.toString(), Json.write(a)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0 || out.isEmpty()) {
        Map<String, Object> skipped = new LinkedHashMap<>();
        for (String j : ext) {
          skipped.put(j, Map.of("skipped", py + " failed (exit " + (p.isAlive() ? "none" : p.exitValue()) + ")"));
        }
        return skipped;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> r = (Map<String, Object>) Json.parse(out);
      String load = load0 + " -> " + BenchTiming.loadAverage();
      for (Object v : r.values()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> w = (Map<String, Object>) v;
        for (String key : List.of("build_s", "query_s", "total_s", "cpu_s", "recall")) {
          if (w.get(key) instanceof Number n) {
            w.put(key, BenchTiming.round(n.doubleValue()));
          }
        }
        if (!w.containsKey("skipped")) {
          w.put("load_average", load + " (all external jobs)");
        }
      }
      return r;
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }
}
