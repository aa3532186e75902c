package dev.negmine.spark;

import dev.negmine.core.linalg.Distance;
import dev.negmine.index.HnswParams;
import dev.negmine.index.NegativeFilters;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

/**
 * Settings of one {@link SparkMineJob} run. Built with {@link #builder()} (twenty settings: a class with a
 * builder rather than a record); immutable.
 *
 * <p>The mining settings (top, filters, TTL, recall sample, seed, distance, index parameters) mean
 * exactly what they mean for {@code negmine mine} / {@link dev.negmine.index.OfflineMiner}; the
 * others place the work on Spark.
 *
 * <ul>
 *   <li>{@code input}: where the corpus comes from
 *   <li>{@code model}: a training run directory whose model encodes the input's features, or null when
 *     the input holds embeddings
 *   <li>{@code master}: Spark master URL; null uses the active session's (spark-submit) or {@code local[*]}
 *   <li>{@code shards}: corpus shards, one index each (default 2)
 *   <li>{@code blockRows}: anchors per query block (default 1024)
 *   <li>{@code maxBadRows}: bad input rows tolerated (counted, reported and left out); one more fails the job
 *   <li>{@code output}: {@code pool} (default): the driver assembles the pool in row order and writes the
 *     pool directory; {@code parts}: the executors write Parquet parts, committed with the manifest
 *     last, for {@code negmine pool import} (nothing per candidate reaches the driver)
 *   <li>{@code dimension}: expected vector (or feature) length, 0 = the first row's
 *   <li>{@code failFirstAttempt}: test hook: a stage name ({@code read}, {@code shard}, {@code index},
 *     {@code query}) whose partition 0 throws on its first attempt, to exercise Spark's retries; null
 *     in production
 * </ul>
 */
public final class SparkMineConfig {
  private final MineInput input;
  private final Path model;
  private final String indexKind;
  private final Distance distance;
  private final HnswParams hnsw;
  private final int ivfProbes;
  private final int top;
  private final NegativeFilters filters;
  private final Duration ttl;
  private final int recallSample;
  private final long seed;
  private final int shards;
  private final int blockRows;
  private final long maxBadRows;
  private final int dimension;
  private final String master;
  private final Path out;
  private final String output;
  private final Map<String, Object> source;
  private final InstantSource clock;
  private final String failFirstAttempt;

  /** Called by the {@link Builder} only. */
  private SparkMineConfig(MineInput input, Path model, String indexKind, Distance distance, HnswParams hnsw, int ivfProbes, int top, NegativeFilters filters, Duration ttl, int recallSample, long seed, int shards, int blockRows, long maxBadRows, int dimension, String master, Path out, String output, Map<String, Object> source, InstantSource clock, String failFirstAttempt) {
    if (input == null || out == null || distance == null || filters == null || ttl == null || clock == null
        || source == null || hnsw == null) {
      throw new IllegalArgumentException("input, out, distance, filters, ttl, clock, source and hnsw must be set");
    }
    if (!OUTPUT_POOL.equals(output) && !OUTPUT_PARTS.equals(output)) {
      throw new IllegalArgumentException("--output must be pool or parts, got '" + output + "'");
    }
    if (!indexKind.equals("exact") && !indexKind.equals("hnsw") && !indexKind.equals("ivf")) {
      throw new IllegalArgumentException("--index must be exact, ivf or hnsw, got '" + indexKind + "'");
    }
    if (top < 1) {
      throw new IllegalArgumentException("--top must be >= 1, got " + top);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("--ttl must be positive, got " + ttl);
    }
    if (shards < 1 || shards > 100_000) {
      throw new IllegalArgumentException("--shards must be in [1, 100000], got " + shards);
    }
    if (blockRows < 1 || blockRows > 1 << 16) {
      throw new IllegalArgumentException("--block-rows must be in [1, 65536], got " + blockRows);
    }
    if (maxBadRows < 0) {
      throw new IllegalArgumentException("--max-bad-rows must be >= 0, got " + maxBadRows);
    }
    if (ivfProbes < 1) {
      throw new IllegalArgumentException("ivf probes must be >= 1, got " + ivfProbes);
    }
    if (recallSample < 0 || dimension < 0) {
      throw new IllegalArgumentException("--recall-sample and --dim must be >= 0");
    }
    if (filters.scoreFilters() && !distance.isSimilarity()) {
      throw new IllegalArgumentException("--max-score and margins compare similarities; use cosine or dot, not "
          + distance.cliName());
    }
    this.input = input;
    this.model = model;
    this.indexKind = indexKind;
    this.distance = distance;
    this.hnsw = hnsw;
    this.top = top;
    this.filters = filters;
    this.ttl = ttl;
    this.recallSample = recallSample;
    this.ivfProbes = ivfProbes;
    this.seed = seed;
    this.shards = shards;
    this.blockRows = blockRows;
    this.maxBadRows = maxBadRows;
    this.dimension = dimension;
    this.master = master;
    this.out = out;
    this.output = output;
    this.source = Map.copyOf(source);
    this.clock = clock;
    this.failFirstAttempt = failFirstAttempt;
  }

  public MineInput input() {
    return input;
  }

  public Path model() {
    return model;
  }

  public String indexKind() {
    return indexKind;
  }

  public Distance distance() {
    return distance;
  }

  /** Partitions each anchor scans per shard with {@code --index ivf}. */
  public int ivfProbes() {
    return ivfProbes;
  }

  public HnswParams hnsw() {
    return hnsw;
  }

  public int top() {
    return top;
  }

  public NegativeFilters filters() {
    return filters;
  }

  public Duration ttl() {
    return ttl;
  }

  public int recallSample() {
    return recallSample;
  }

  public long seed() {
    return seed;
  }

  public int shards() {
    return shards;
  }

  public int blockRows() {
    return blockRows;
  }

  public long maxBadRows() {
    return maxBadRows;
  }

  public int dimension() {
    return dimension;
  }

  public String master() {
    return master;
  }

  public Path out() {
    return out;
  }

  public String output() {
    return output;
  }

  public Map<String, Object> source() {
    return source;
  }

  public InstantSource clock() {
    return clock;
  }

  public String failFirstAttempt() {
    return failFirstAttempt;
  }

  /** Output: the pool directory, assembled and written by the driver. */
  public static final String OUTPUT_POOL = "pool";
  /** Output: Parquet parts written by the executors plus the manifest ({@code negmine pool import}). */
  public static final String OUTPUT_PARTS = "parts";

  public static Builder builder(MineInput input, Path out) {
    return new Builder(input, out);
  }

  /** Defaults as {@code negmine mine}: exact, cosine, top 200, TTL 48 h, recall sample 1000, seed 42. */
  public static final class Builder {
    private final MineInput input;
    private final Path out;
    private Path model;
    private String indexKind = "exact";
    private Distance distance = Distance.COSINE;
    private HnswParams hnsw = new HnswParams(32, 200, 256, 42, 1);
    private int ivfProbes = 24;
    private int top = 200;
    private NegativeFilters filters = NegativeFilters.defaults();
    private Duration ttl = Duration.ofHours(48);
    private int recallSample = 1000;
    private long seed = 42;
    private int shards = 2;
    private int blockRows = 1024;
    private long maxBadRows;
    private int dimension;
    private String master;
    private Map<String, Object> source = Map.of();
    private InstantSource clock = InstantSource.system();
    private String failFirstAttempt;
    private String output = OUTPUT_POOL;

    private Builder(MineInput input, Path out) {
      this.input = input;
      this.out = out;
    }

    public Builder model(Path p) {
      this.model = p;
      return this;
    }

    public Builder index(String kind) {
      this.indexKind = kind;
      return this;
    }

    public Builder distance(Distance d) {
      this.distance = d;
      return this;
    }

    /** HNSW parameters; each shard's graph is built by one thread (Spark runs shards in parallel). */
    public Builder ivfProbes(int p) {
      this.ivfProbes = p;
      return this;
    }

    public Builder hnsw(HnswParams p) {
      this.hnsw = p.withBuildThreads(1);
      return this;
    }

    /** {@link #OUTPUT_POOL} (default) or {@link #OUTPUT_PARTS}. */
    public Builder output(String o) {
      this.output = o;
      return this;
    }

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

    public Builder recallSample(int n) {
      this.recallSample = n;
      return this;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    public Builder shards(int s) {
      this.shards = s;
      return this;
    }

    public Builder blockRows(int b) {
      this.blockRows = b;
      return this;
    }

    public Builder maxBadRows(long m) {
      this.maxBadRows = m;
      return this;
    }

    public Builder dimension(int d) {
      this.dimension = d;
      return this;
    }

    public Builder master(String m) {
      this.master = m;
      return this;
    }

    /** Provenance of the input (hashes, paths, git revision), copied into the manifest. */
    public Builder source(Map<String, Object> s) {
      this.source = s;
      return this;
    }

    public Builder clock(InstantSource c) {
      this.clock = c;
      return this;
    }

    public Builder failFirstAttempt(String stage) {
      this.failFirstAttempt = stage;
      return this;
    }

    public SparkMineConfig build() {
      return new SparkMineConfig(input, model, indexKind, distance, hnsw, ivfProbes, top, filters, ttl, recallSample, seed,
          shards, blockRows, maxBadRows, dimension, master, out, output, source, clock, failFirstAttempt);
    }
  }
}
