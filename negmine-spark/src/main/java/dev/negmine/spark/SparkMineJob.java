package dev.negmine.spark;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.PairFilter;
import dev.negmine.core.linalg.TopK;
import dev.negmine.core.pool.PoolFiles;
import dev.negmine.core.pool.PoolManifest;
import dev.negmine.index.HnswParams;
import dev.negmine.index.OfflineMiner;
import dev.negmine.index.VectorIndex;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The distributed offline miner: the pool {@code negmine mine} writes, computed on Spark.
 *
 * <ol>
 *   <li>read: rows get global row numbers and are checked ({@link BadRows}); with a model, features
 *       are encoded on the executors ({@link CorpusReader});
 *   <li>shard: good rows are range-partitioned by row into {@code shards} contiguous shards
 *       (boundaries on anchor-block boundaries);
 *   <li>index: one index per shard (exact SIMD or HNSW), built on the executor and kept there;
 *   <li>positives: per label, every row's most similar same-label row with another id, exactly as
 *       {@link OfflineMiner#groupPositives} (a shuffle by label, O(n) data);
 *   <li>query: every anchor block is sent to every shard (n x shards vectors, no all-pairs
 *       shuffle), each shard returns its top candidates, and the partials merge per block to the
 *       global top; then the score filters and top-K of {@code negmine mine} apply per anchor;
 *   <li>write: blocks stream to the driver in row order and the pool is written atomically, or
 *       (output "parts") the executors write Parquet parts, committed with the manifest last
 *       ({@link PoolParts}).
 * </ol>
 *
 * <p>Every stage is a pure function of its input (ties broken by row, one-thread HNSW builds
 * seeded), so retried or speculative tasks give identical results and the pool holds each anchor
 * once. With the exact index the pool's arrays equal {@code negmine mine}'s bit for bit.
 */
public final class SparkMineJob {
  private SparkMineJob() {}

  /** Runs the job in a session it creates (and stops) for {@code cfg.master()}. */
  public static SparkMineResult run(SparkMineConfig cfg, Consumer<String> progress) throws IOException {
    PoolOutput.check(cfg.out());
    SparkSession spark = session(cfg.master());
    try {
      return run(spark, cfg, progress);
    } finally {
      spark.stop();
    }
  }

  /**
   * A session for {@code master}: null means the one spark-submit configured, or {@code local[*]}.
   * Local masters bind to the loopback interface and run without the web UI.
   */
  public static SparkSession session(String master) {
    SparkSession.Builder b = SparkSession.builder().appName("negmine spark-mine");
    String m = master != null ? master : System.getProperty("spark.master", "local[*]");
    b.master(m);
    if (m.startsWith("local")) {
      b.config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "8");
    }
    SparkSession s = b.getOrCreate();
    s.sparkContext().setLogLevel("WARN");
    return s;
  }

  /** Runs the job in an existing session (left running). */
  public static SparkMineResult run(SparkSession spark, SparkMineConfig cfg, Consumer<String> progress)
      throws IOException {
    PoolOutput.check(cfg.out());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    String jobId = UUID.randomUUID().toString();
    Map<String, Double> stages = new LinkedHashMap<>();
    Map<String, Double> cpuStages = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    int parallelism = Math.max(cfg.shards(), jsc.defaultParallelism());
    String fail = cfg.failFirstAttempt();
    List<JavaRDD<?>> cached = new ArrayList<>();
    try {
      // 1. read, check (and encode)
      long t = System.nanoTime();
      long c = cpuNanos();
      progress.accept("reading " + cfg.input().describe() + (cfg.model() != null ? ", encoding with " + cfg.model() : ""));
      CorpusReader.Read read = CorpusReader.read(spark, cfg);
      JavaRDD<Item> items = read.items().persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(items);
      Map<String, Long> kinds = items.map(i -> i.isGood() ? "good" : i.bad).countByValue();
      long good = kinds.getOrDefault("good", 0L);
      Map<String, Long> badCounts = new LinkedHashMap<>(kinds);
      badCounts.remove("good");
      long badTotal = badCounts.values().stream().mapToLong(Long::longValue).sum();
      if (good + badTotal != read.rows()) {
        throw new IllegalStateException("read " + (good + badTotal) + " rows but the input holds " + read.rows());
      }
      List<Item> firstBad = badTotal == 0 ? List.of() : items.filter(i -> !i.isGood()).takeOrdered(5, new BadRows.ByRow());
      BadRows.Report bad = BadRows.Report.of(badCounts, firstBad);
      if (bad.total() > cfg.maxBadRows()) {
        throw new IllegalArgumentException(bad.summary() + "; more than --max-bad-rows " + cfg.maxBadRows());
      }
      if (bad.total() > 0) {
        progress.accept("left out " + bad.summary());
      }
      if (good == 0) {
        throw new IllegalArgumentException(cfg.input().describe() + ": no good rows to mine");
      }
      mark(stages, cpuStages, "read", t, c);

      // 2. shard
      t = System.nanoTime();
      c = cpuNanos();
      int shards = cfg.shards();
      int blockRows = cfg.blockRows();
      int dim = read.dimension();
      ShardPartitioner partitioner = new ShardPartitioner(shards, read.rows(), blockRows);
      JavaRDD<Shard> shardRdd = items.filter(Item::isGood)
          .mapToPair(i -> new Tuple2<>(i.row, i))
          .partitionBy(partitioner)
          .mapPartitionsWithIndex((p, it) -> {
            CorpusReader.Faults.maybeFail(fail, "shard");
            return List.of(toShard(p, it, dim)).iterator();
          }, true)
          .persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(shardRdd);
      List<Integer> sizes = shardRdd.map(Shard::size).collect();
      mark(stages, cpuStages, "shard", t, c);
      progress.accept(good + " rows in " + shards + " shards " + sizes);

      // 3. index
      t = System.nanoTime();
      c = cpuNanos();
      String kind = cfg.indexKind();
      Distance d = cfg.distance();
      HnswParams hp = cfg.hnsw();
      int m = hp.m();
      int efc = hp.efConstruction();
      int ef = hp.ef();
      long hseed = hp.seed();
      int probes = cfg.ivfProbes();
      List<Map<String, Object>> built = shardRdd.map(s -> {
        CorpusReader.Faults.maybeFail(fail, "index");
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("shard", s.shard);
        p.put("size", s.size());
        if (s.size() > 0) {
          VectorIndex vi = s.index(jobId, kind, d, new HnswParams(m, efc, ef, hseed, 1), probes);
          p.put("build_s", vi.buildTime().toNanos() / 1e9);
          p.put("provenance", new LinkedHashMap<>(vi.provenance()));
        }
        return p;
      }).collect();
      mark(stages, cpuStages, "index", t, c);
      progress.accept(kind + " indexes built in " + String.format(java.util.Locale.ROOT, "%.1f s", stages.get("index")));

      // 4. positives, per label group
      t = System.nanoTime();
      c = cpuNanos();
      JavaPairRDD<Long, Positive> positives = items.filter(Item::isGood)
          .mapToPair(i -> new Tuple2<>(i.label, i))
          .groupByKey(parallelism)
          .flatMapToPair(g -> positivesOf(g._2(), d, blockRows))
          .persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(positives.rdd().toJavaRDD());
      positives.count();
      mark(stages, cpuStages, "positives", t, c);

      // 5. query every anchor block against every shard, merge, filter
      t = System.nanoTime();
      c = cpuNanos();
      progress.accept("querying " + good + " anchors against " + shards + " shards");
      boolean exclLabel = cfg.filters().excludeSameLabel();
      boolean exclId = cfg.filters().excludeSameId();
      int top = cfg.top();
      int fetch = (int) Math.min(good, cfg.filters().scoreFilters() ? 2L * top : top);
      boolean sim = d.isSimilarity();
      double maxScore = cfg.filters().maxScore();
      double margin = cfg.filters().margin();
      boolean relative = cfg.filters().relativeMargin();
      JavaPairRDD<Integer, AnchorBlock> anchorsPerShard = shardRdd
          .flatMapToPair(s -> anchorBlocks(s, shards, blockRows))
          .partitionBy(new IdentityPartitioner(shards));
      JavaPairRDD<Long, Partial> partials = shardRdd.zipPartitions(anchorsPerShard.values(), (shardIt, blocks) -> {
        CorpusReader.Faults.maybeFail(fail, "query");
        Shard s = shardIt.next();
        VectorIndex vi = s.size() == 0 ? null : s.index(jobId, kind, d, new HnswParams(m, efc, ef, hseed, 1), probes);
        List<Tuple2<Long, Partial>> out = new ArrayList<>();
        while (blocks.hasNext()) {
          AnchorBlock b = blocks.next();
          out.add(new Tuple2<>(b.block, search(vi, s, b, fetch, sim, exclLabel, exclId)));
        }
        return out.iterator();
      }).mapToPair(x -> x);
      JavaRDD<BlockResult> results = partials.reduceByKey(Partial::merge, parallelism)
          .cogroup(positives)
          .map(x -> BlockResult.of(x._1(), x._2()._1(), x._2()._2(), top, sim, maxScore, margin, relative))
          .persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(results);
      results.count();
      mark(stages, cpuStages, "query", t, c);

      // recall of an approximate index against exact search on a sample, as negmine mine measures it
      double recall = 1.0;
      if (!kind.equals("exact")) {
        t = System.nanoTime();
      c = cpuNanos();
        recall = Recall.measure(jsc, items, shardRdd, read.rows(), cfg.recallSample(), cfg.seed(), jobId, kind, d,
            new HnswParams(m, efc, ef, hseed, 1), probes, fetch, exclLabel, exclId);
        mark(stages, cpuStages, "recall", t, c);
      }

      // 6. write: assembled on the driver in row order (pool), or as Parquet parts by the executors
      t = System.nanoTime();
      c = cpuNanos();
      boolean parts = cfg.output().equals(SparkMineConfig.OUTPUT_PARTS);
      Assembly a = new Assembly();
      PoolParts.Totals totals;
      if (parts) {
        totals = PoolParts.totals(results);
      } else {
        Iterator<BlockResult> ordered = results.keyBy(r -> r.block).sortByKey().values().toLocalIterator();
        while (ordered.hasNext()) {
          a.add(ordered.next());
        }
        totals = new PoolParts.Totals(a.anchors, a.candidates, a.dropped, a.shortAnchors, a.filteredByScore);
      }
      Instant now = cfg.clock().instant();
      Map<String, Object> counts = new LinkedHashMap<>();
      counts.put("corpus", good);
      counts.put("anchors", totals.anchors());
      counts.put("candidates", totals.candidates());
      counts.put("anchors_without_positive", totals.dropped());
      counts.put("anchors_short_of_top", totals.shortAnchors());
      counts.put("filtered_by_score", totals.filteredByScore());
      counts.put("bad_rows", bad.total());
      Map<String, Object> filters = new LinkedHashMap<>(cfg.filters().describe());
      filters.put("top", top);
      filters.put("recall_sample", cfg.recallSample());
      filters.put("seed", cfg.seed());
      filters.put("ttl", cfg.ttl().toString());
      Map<String, Object> index = indexProvenance(built, good, shards);
      Map<String, Object> source = new LinkedHashMap<>(cfg.source());
      source.put("bad_rows", new LinkedHashMap<>(bad.byReason()));
      Map<String, Object> sparkInfo = new LinkedHashMap<>();
      sparkInfo.put("master", spark.sparkContext().master());
      sparkInfo.put("app_id", spark.sparkContext().applicationId());
      sparkInfo.put("spark_version", spark.version());
      sparkInfo.put("shards", shards);
      sparkInfo.put("block_rows", blockRows);
      sparkInfo.put("default_parallelism", jsc.defaultParallelism());
      sparkInfo.put("stage_seconds", new LinkedHashMap<>(stages));
      source.put("spark", sparkInfo);
      PoolManifest manifest = new PoolManifest(PoolFiles.FORMAT_VERSION, new PoolManifest.Lifetime(now, now.plus(cfg.ttl())), source, index,
          filters, counts, recall, null);
      PoolManifest written;
      if (parts) {
        progress.accept("writing Parquet parts to " + cfg.out());
        PoolParts.write(spark, results, manifest, totals, cfg.out(), fail);
        written = manifest;
      } else {
        progress.accept("writing " + cfg.out());
        written = PoolOutput.write(cfg.out(), a.pool(manifest));
      }
      mark(stages, cpuStages, "write", t, c);
      return new SparkMineResult(written, cfg.out(), new SparkMineResult.Timing(stages, seconds(t0), cpuStages), bad,
          read.rows(), shards, spark.sparkContext().master());
    } finally {
      for (JavaRDD<?> r : cached) {
        r.unpersist(false);
      }
      Shard.release(jobId);
    }
  }

  /** Records a stage's wall seconds and this JVM's CPU seconds over it (all of the job's in local mode). */
  private static void mark(Map<String, Double> wall, Map<String, Double> cpu, String stage, long t, long c) {
    wall.put(stage, seconds(t));
    long now = cpuNanos();
    if (c >= 0 && now >= 0) {
      cpu.put(stage, Math.round((now - c) / 1e6) / 1e3);
    }
  }

  /** CPU time of this JVM, all threads, or -1 where the platform does not tell. */
  private static long cpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  private static double seconds(long since) {
    return Math.round((System.nanoTime() - since) / 1e6) / 1e3;
  }

  private static Shard toShard(int p, Iterator<Tuple2<Long, Item>> it, int dim) {
    List<Item> rows = new ArrayList<>();
    it.forEachRemaining(x -> rows.add(x._2()));
    rows.sort((a, b) -> Long.compare(a.row, b.row));
    int n = rows.size();
    long[] r = new long[n];
    long[] ids = new long[n];
    long[] labels = new long[n];
    float[] data = new float[n * dim];
    for (int i = 0; i < n; i++) {
      Item x = rows.get(i);
      r[i] = x.row;
      ids[i] = x.id;
      labels[i] = x.label;
      System.arraycopy(x.vector, 0, data, i * dim, dim);
    }
    return new Shard(p, r, ids, labels, dim, data);
  }

  /** A block of anchors (rows of one shard, in row order) on its way to every shard. */
  record AnchorBlock(long block, long[] rows, long[] ids, long[] labels, int dim, float[] data) implements Serializable {}

  private static Iterator<Tuple2<Integer, AnchorBlock>> anchorBlocks(Shard s, int shards, int blockRows) {
    List<Tuple2<Integer, AnchorBlock>> out = new ArrayList<>();
    int i = 0;
    while (i < s.size()) {
      long block = s.rows[i] / blockRows;
      int j = i;
      while (j < s.size() && s.rows[j] / blockRows == block) {
        j++;
      }
      AnchorBlock b = new AnchorBlock(block, java.util.Arrays.copyOfRange(s.rows, i, j),
          java.util.Arrays.copyOfRange(s.ids, i, j), java.util.Arrays.copyOfRange(s.labels, i, j), s.dim,
          java.util.Arrays.copyOfRange(s.data, i * s.dim, j * s.dim));
      for (int t = 0; t < shards; t++) {
        out.add(new Tuple2<>(t, b));
      }
      i = j;
    }
    return out.iterator();
  }

  /** One shard's best {@code fetch} candidates for a block of anchors, as global rows. */
  static Partial search(VectorIndex vi, Shard s, AnchorBlock b, int fetch, boolean sim, boolean exclLabel,
      boolean exclId) {
    Partial p = Partial.empty(b.rows(), fetch, sim);
    if (vi == null) {
      return p;
    }
    FloatMatrix q = FloatMatrix.of(b.rows().length, b.dim(), b.data());
    PairFilter keep = (qi, key) -> s.rows[key] != b.rows()[qi] && (!exclLabel || s.labels[key] != b.labels()[qi])
        && (!exclId || s.ids[key] != b.ids()[qi]);
    TopK hits = vi.search(q, fetch, keep);
    for (int a = 0; a < b.rows().length; a++) {
      for (int r = 0; r < hits.k(); r++) {
        int key = hits.index(a, r);
        if (key < 0) {
          break;
        }
        int w = a * fetch + r;
        p.rows[w] = s.rows[key];
        p.ids[w] = s.ids[key];
        p.labels[w] = s.labels[key];
        p.scores[w] = hits.score(a, r);
      }
    }
    return p;
  }

  /** The positive of each row of one label group, keyed by anchor block. */
  private static Iterator<Tuple2<Long, Positive>> positivesOf(Iterable<Item> group, Distance d, int blockRows) {
    List<Item> g = new ArrayList<>();
    group.forEach(g::add);
    g.sort((a, b) -> Long.compare(a.row, b.row));
    int n = g.size();
    int[] best = new int[n];
    float[] score = new float[n];
    java.util.Arrays.fill(best, -1);
    java.util.Arrays.fill(score, Float.NaN);
    if (n >= 2) {
      int dim = g.get(0).vector.length;
      float[] data = new float[n * dim];
      long[] ids = new long[n];
      for (int i = 0; i < n; i++) {
        System.arraycopy(g.get(i).vector, 0, data, i * dim, dim);
        ids[i] = g.get(i).id;
      }
      TopK t = OfflineMiner.groupPositives(FloatMatrix.of(n, dim, data), ids, d);
      for (int i = 0; i < n; i++) {
        best[i] = t.index(i, 0);
        score[i] = t.score(i, 0);
      }
    }
    List<Tuple2<Long, Positive>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Item x = g.get(i);
      out.add(new Tuple2<>(x.row / blockRows, new Positive(x.row, x.id, x.label,
          best[i] >= 0 ? g.get(best[i]).id : 0, best[i] >= 0 ? score[i] : Float.NaN, best[i] >= 0)));
    }
    return out.iterator();
  }

  /** An anchor's identity and positive (found = false: none, the anchor is dropped and counted). */
  record Positive(long row, long id, long label, long positiveId, float score, boolean found) implements Serializable {}

  private static Map<String, Object> indexProvenance(List<Map<String, Object>> built, long size, int shards) {
    Map<String, Object> index = new LinkedHashMap<>();
    List<Object> shardSizes = new ArrayList<>();
    double buildMax = 0;
    double buildSum = 0;
    for (Map<String, Object> b : built) {
      shardSizes.add(b.get("size"));
      if (b.containsKey("provenance") && index.isEmpty()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) b.get("provenance");
        index.putAll(p);
      }
      if (b.containsKey("build_s")) {
        double s = ((Number) b.get("build_s")).doubleValue();
        buildMax = Math.max(buildMax, s);
        buildSum += s;
      }
    }
    index.put("size", size);
    index.put("shards", shards);
    index.put("shard_sizes", shardSizes);
    index.put("build_seconds_max", Math.round(buildMax * 1000) / 1000.0);
    index.put("build_seconds_sum", Math.round(buildSum * 1000) / 1000.0);
    index.put("engine", "spark");
    return index;
  }
}
