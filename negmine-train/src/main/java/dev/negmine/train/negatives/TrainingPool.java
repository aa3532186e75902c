package dev.negmine.train.negatives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.pool.CandidatePool;
import dev.negmine.core.pool.ExpiryPolicy;
import dev.negmine.core.pool.ManagedPool;
import dev.negmine.core.pool.PoolFiles;
import dev.negmine.core.pool.PoolSampler;
import dev.negmine.core.pool.Staleness;
import dev.negmine.index.OfflineMiner;
import dev.negmine.index.VectorIndex;
import dev.negmine.index.VectorIndexes;
import dev.negmine.train.Trainer;
import dev.negmine.train.engine.TorchRuntime;
import dev.negmine.train.model.EncoderSpec;
import dev.negmine.train.model.Encoders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The offline candidate pool of a training run: loaded from {@code --pool} or mined at the first
 * step from the current model (exact index over the training items, cosine), then kept fresh under
 * the expiry policy. {@code fail}, {@code warn} and {@code refresh} re-mine on the training thread
 * every {@code poolRefreshEvery} steps (deterministic, so resume replays them) and {@code refresh}
 * also on expiry; {@code background} re-mines on {@link ManagedPool}'s daemon thread from a
 * snapshot of the latest weights, every N steps or on expiry, and swaps atomically (training never
 * waits; when the swap lands depends on timing, so resume is exact only up to it).
 *
 * <p>Each refresh yields a {@code pool_refresh} event with its {@link Staleness}: the share of the
 * old pool's candidates still in the new top-K, Spearman rho of old scores against scores under the
 * model the new pool was mined with (a sample of 1000 old pairs), and the old pool's age.
 *
 * <p>Training-thread only, apart from the background re-mine.
 */
final class TrainingPool implements AutoCloseable {
  static final String EXTERNAL = "external";

  private final SourcesConfig sc;
  private final EncoderSpec spec;
  private final FloatMatrix trainX;
  private final long[] labels;
  private final long[] ids;
  private final Map<Long, Integer> rowOfId;
  private final long seed;
  private final InstantSource clock;
  private final Path poolDir;
  private final UnaryOperator<FloatMatrix> embedCurrent;
  private final Supplier<List<float[]>> weights;

  private ManagedPool managed;
  private volatile List<float[]> snapshot;
  private volatile FloatMatrix scoredWith;
  private int reported;
  private CandidatePool persisted;
  private String persistedName;

  TrainingPool(SourcesConfig sc, EncoderSpec spec, FloatMatrix trainX, long[] labels, long[] ids, Map<Long, Integer> rowOfId,
      long seed, InstantSource clock, Path poolDir, UnaryOperator<FloatMatrix> embedCurrent, Supplier<List<float[]>> weights) {
    this.sc = sc;
    this.spec = spec;
    this.trainX = trainX;
    this.labels = labels;
    this.ids = ids;
    this.rowOfId = rowOfId;
    this.seed = seed;
    this.clock = clock;
    this.poolDir = poolDir;
    this.embedCurrent = embedCurrent;
    this.weights = weights;
  }

  /** The sampler for {@code step}, after the refresh schedule and the expiry policy. */
  PoolSampler sampler(long step) {
    if (managed == null) {
      CandidatePool initial;
      if (sc.pool().dir() != null) {
        initial = read(Path.of(sc.pool().dir()));
        checkExternal(initial);
        persisted = initial;
        persistedName = EXTERNAL;
      } else {
        initial = mine(embedCurrent.apply(trainX), step);
      }
      use(initial);
    }
    ExpiryPolicy policy = sc.expiryPolicy();
    boolean periodic = sc.poolRefreshEvery() > 0 && step > 0 && step % sc.poolRefreshEvery() == 0;
    if (policy == ExpiryPolicy.BACKGROUND) {
      if (!managed.refreshing() && (periodic || managed.current().isExpired(clock.instant()))) {
        snapshot = weights.get();
      }
    } else if (periodic) {
      managed.refreshNow(step);
    }
    return managed.sampler(step);
  }

  /** Refresh events completed since the last call, as metrics lines' fields. */
  List<Map<String, Object>> drainEvents() {
    List<Map<String, Object>> out = new ArrayList<>();
    if (managed == null) {
      return out;
    }
    List<ManagedPool.Refresh> all = managed.refreshes();
    for (; reported < all.size(); reported++) {
      ManagedPool.Refresh r = all.get(reported);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", "pool_refresh");
      m.put("step", r.step());
      m.put("policy", sc.expiryPolicy().name().toLowerCase(java.util.Locale.ROOT));
      m.put("at", r.at().toString());
      m.put("mine_seconds", r.took().toMillis() / 1e3);
      m.put("overlap", r.staleness().overlap());
      m.put("spearman", r.staleness().spearman());
      m.put("sampled", r.staleness().sampled());
      m.put("mean_age_seconds", r.staleness().age().toMillis() / 1e3);
      out.add(m);
    }
    return out;
  }

  CandidatePool current() {
    return managed == null ? null : managed.current();
  }

  /** Names the pool now in use, writing it to the run directory first when it is new. */
  String persist(long step) {
    if (managed == null) {
      return "";
    }
    CandidatePool now = managed.current();
    if (now != persisted) {
      if (poolDir == null) {
        return "";
      }
      String name = "pool-step-" + step;
      try {
        PoolFiles.write(poolDir.resolve(name), now);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      persisted = now;
      persistedName = name;
    }
    return persistedName;
  }

  /** Continues with the pool a checkpoint named (see {@link #persist}); "" = mine afresh when first needed. */
  void restore(String name) {
    if (name.isEmpty()) {
      return;
    }
    CandidatePool p = name.equals(EXTERNAL) ? read(Path.of(sc.pool().dir())) : read(poolDir.resolve(name));
    persisted = p;
    persistedName = name;
    use(p);
  }

  private void use(CandidatePool p) {
    closeManaged();
    reported = 0;
    managed = ManagedPool.builder(p, this::remine).policy(sc.expiryPolicy()).clock(clock)
        .refreshEverySteps(sc.expiryPolicy() == ExpiryPolicy.BACKGROUND ? sc.poolRefreshEvery() : 0)
        .perAnchor(sc.poolPerAnchor()).seed(seed).scorer(this::score).build();
  }

  /** Re-mines with the current weights (training thread) or the published snapshot (background thread). */
  private CandidatePool remine() {
    if (sc.expiryPolicy() == ExpiryPolicy.BACKGROUND) {
      List<float[]> w = snapshot;
      if (w == null) {
        throw new IllegalStateException("no weight snapshot published");
      }
      return mine(embedWithWeights(w), -1);
    }
    return mine(embedCurrent.apply(trainX), -1);
  }

  private CandidatePool mine(FloatMatrix emb, long step) {
    VectorIndex index = VectorIndexes.exact(emb, ids, Distance.COSINE);
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("model", "the training encoder" + (step >= 0 ? " at step " + step : ""));
    source.put("items", emb.rows());
    CandidatePool p = OfflineMiner.builder().top(sc.poolTop()).ttl(Duration.ofSeconds(sc.poolTtlSeconds())).clock(clock)
        .recallSample(0).seed(seed).source(source).build().mine(index, labels);
    scoredWith = emb;
    return p;
  }

  /** Cosine of an (anchor, candidate) pair under the embeddings of the latest re-mine. */
  private float score(long anchorId, long candidateId) {
    FloatMatrix e = scoredWith;
    Integer a = rowOfId.get(anchorId);
    Integer c = rowOfId.get(candidateId);
    if (e == null || a == null || c == null) {
      return Float.NaN;
    }
    float s = 0;
    int d = e.cols();
    float[] x = e.data();
    for (int k = 0; k < d; k++) {
      s += x[a * d + k] * x[c * d + k];
    }
    return s;
  }

  /** Embeds the training items with a private copy of the encoder holding {@code w} (any thread). */
  private FloatMatrix embedWithWeights(List<float[]> w) {
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      Block b = Encoders.build(spec);
      b.initialize(m, DataType.FLOAT32, new Shape(1, spec.inputDim()));
      int i = 0;
      for (Pair<String, Parameter> p : b.getParameters()) {
        NDArray a = p.getValue().getArray();
        a.set(w.get(i++));
      }
      return Trainer.embedWith(b, m, new ParameterStore(m, false), trainX, spec.embeddingSize());
    }
  }

  /**
   * A pool given by the user must have been mined over this data (ids and labels agree; the
   * training split may leave part of the corpus out) and, under {@code fail}, must not have expired.
   */
  private void checkExternal(CandidatePool p) {
    try {
      dev.negmine.core.pool.PoolCorpusCheck.verify(p, "--pool " + sc.pool().dir(), ids, labels, "the training data", true);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    java.time.Instant now = clock.instant();
    if (sc.expiryPolicy() == ExpiryPolicy.FAIL && p.isExpired(now)) {
      throw new IllegalArgumentException("--pool " + sc.pool().dir() + ": expired at " + p.manifest().expiresAt() + " (now " + now
          + "); re-mine it or choose another --pool-expiry");
    }
  }

  private static CandidatePool read(Path dir) {
    try {
      return PoolFiles.read(dir);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the candidate pool " + dir + ": " + e.getMessage(), e);
    }
  }

  private void closeManaged() {
    if (managed != null) {
      try {
        managed.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    closeManaged();
  }
}
