package dev.negmine.train.negatives;

import dev.negmine.core.mixer.NegativeSource;
import dev.negmine.core.pool.ExpiryPolicy;
import java.time.Duration;

/**
 * Negative sources beyond the batch miner: the source mix, the memory queue (with an optional
 * momentum key encoder), the offline candidate pool and the dynamic tree index. Part of
 * {@link dev.negmine.train.TrainConfig}, so two runs with equal settings replay identically
 * (background pool refreshes excepted, see {@link NegativeSources}). Build with {@link #builder()};
 * every value is validated here, once.
 *
 * @param mix which source serves each slot, and how extra items are embedded
 * @param queue the memory queue ({@link Queue#size()} 0 = none)
 * @param pool the offline pool's settings (used when the mix has an offline share)
 * @param dynamic the dynamic tree-index source's settings (set whenever the mix draws from it), or null
 */
public record SourcesConfig(Mix mix, Queue queue, Pool pool, DynamicSource.Config dynamic) {
  /**
   * @param from source shares at the start, e.g. {@code random=0.3,in-batch=0.5,offline=0.2}
   * @param to shares at the end of the ramp (equal to {@code from} for a constant mix)
   * @param rampFraction share of training over which the mix moves from {@code from} to {@code to}
   * @param slots negatives per anchor per step (each from one source)
   * @param randomPerStep random items embedded per step and shared by the anchors' random slots
   * @param detachExtras embed the random and offline items without gradients, in a separate pass
   *     before the step (their terms then train the anchor and positive side only); false puts
   *     them in the step's forward pass so gradients flow into them as well
   */
  public record Mix(String from, String to, double rampFraction, int slots, int randomPerStep, boolean detachExtras) {
    public Mix {
      MixSpec.parse(from);
      MixSpec.parse(to);
      if (!(rampFraction >= 0 && rampFraction <= 1)) {
        throw new IllegalArgumentException("mix ramp fraction must be in [0, 1], got " + rampFraction);
      }
      if (slots < 1 || slots > 256) {
        throw new IllegalArgumentException("negatives per anchor (--slots) must be in [1, 256], got " + slots);
      }
      if (randomPerStep < 1) {
        throw new IllegalArgumentException("random items per step must be >= 1, got " + randomPerStep);
      }
    }

    /** True when some step of the mix draws from {@code s}. */
    public boolean uses(NegativeSource s) {
      return MixSpec.uses(MixSpec.parse(from), s) || MixSpec.uses(MixSpec.parse(to), s);
    }
  }

  /** How the queue picks an anchor's negatives. */
  public enum QueueSelection {
    /**
     * MoCo-style: up to |P| keys of the anchor's label are its key positives; negatives are drawn
     * uniformly from the semi-hard band over them and pair with them (the {@code moco} recipe).
     */
    BAND,
    /**
     * Cross-batch memory (XBM): batch-hard over batch and queue through
     * {@link dev.negmine.core.queue.MemoryQueue#mine} (the fused {@link dev.negmine.core.linalg.HardestFold}
     * kernel that {@code negmine bench queue} measures): each anchor's hardest negative, paired with
     * its hardest positive, kept whether or not it is harder than that positive.
     */
    HARDEST
  }

  /**
   * @param size memory-queue rows (0 = no queue)
   * @param warmup rows enqueued before the queue serves negatives (until then its slots go in-batch)
   * @param momentum EMA factor of the key encoder that embeds queued keys (0 = the query encoder's own
   *     embeddings are queued)
   * @param selection how negatives are picked from the queue
   */
  public record Queue(int size, int warmup, double momentum, QueueSelection selection) {
    public Queue {
      if (size < 0 || size > (1 << 20)) {
        throw new IllegalArgumentException("--queue must be in [0, 1048576], got " + size);
      }
      if (warmup < 0 || (size > 0 && warmup > size)) {
        throw new IllegalArgumentException("--queue-warmup must be in [0, queue size " + size + "], got " + warmup);
      }
      if (!(momentum >= 0 && momentum < 1)) {
        throw new IllegalArgumentException("--momentum must be in [0, 1), got " + momentum);
      }
      if (momentum > 0 && size == 0) {
        throw new IllegalArgumentException("--momentum needs a memory queue (--queue N): the key encoder embeds queued keys");
      }
      if (selection == null) {
        throw new IllegalArgumentException("the queue's selection must be set");
      }
    }
  }

  /**
   * @param dir an offline pool directory, or null (a mix with an offline share then mines one at start)
   * @param perAnchor candidates drawn per anchor per step (2-4 is the usual practice)
   * @param expiry what happens when the pool is past its time-to-live
   * @param refreshEvery re-mine the pool every this many steps (0 = only on expiry)
   * @param top candidates kept per anchor when the trainer mines a pool itself
   * @param ttlSeconds time-to-live of pools the trainer mines, in seconds (see {@link #ttl()})
   */
  public record Pool(String dir, int perAnchor, ExpiryPolicy expiry, long refreshEvery, int top, long ttlSeconds) {
    public Pool {
      if (perAnchor < 1 || perAnchor > 64) {
        throw new IllegalArgumentException("--pool-per-anchor must be in [1, 64] (2-4 is usual), got " + perAnchor);
      }
      if (expiry == null) {
        throw new IllegalArgumentException("the pool's expiry policy must be set");
      }
      if (refreshEvery < 0 || top < 1 || ttlSeconds < 1) {
        throw new IllegalArgumentException("pool refresh interval must be >= 0, top >= 1 and TTL >= 1 s");
      }
    }

    public Duration ttl() {
      return Duration.ofSeconds(ttlSeconds);
    }
  }

  public SourcesConfig {
    if (mix == null || queue == null || pool == null) {
      throw new IllegalArgumentException("mix, queue and pool settings must be set");
    }
    if (mix.uses(NegativeSource.QUEUE) && queue.size() == 0) {
      throw new IllegalArgumentException("the mix draws from the queue but no queue is set (--queue N)");
    }
    if (mix.uses(NegativeSource.DYNAMIC) && dynamic == null) {
      throw new IllegalArgumentException("the mix draws from the dynamic index but its settings are missing");
    }
    if (dynamic != null && dynamic.infoNce() && (MixSpec.parse(mix.from()).share(NegativeSource.DYNAMIC) < 1
        || MixSpec.parse(mix.to()).share(NegativeSource.DYNAMIC) < 1 || queue.size() > 0 || pool.dir() != null)) {
      throw new IllegalArgumentException("InfoNCE with dynamic negatives (--negatives dynamic) takes every negative from the"
          + " index: use the mix dynamic=1 and no queue or pool (or the triplet loss to mix sources)");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** True when some step of the mix draws from the dynamic index. */
  public boolean usesDynamic() {
    return mix.uses(NegativeSource.DYNAMIC);
  }

  /** True when the loss is InfoNCE over the batch and the dynamic index's draws (log-Q corrected). */
  public boolean dynamicInfoNce() {
    return dynamic != null && dynamic.infoNce();
  }

  /** True when some step of the mix draws offline negatives. */
  public boolean usesPool() {
    return mix.uses(NegativeSource.OFFLINE);
  }

  // Shorthands for the nested settings, as the sources read them.
  public String mixFrom() { return mix.from(); }
  public String mixTo() { return mix.to(); }
  public double rampFraction() { return mix.rampFraction(); }
  public int slots() { return mix.slots(); }
  public int randomPerStep() { return mix.randomPerStep(); }
  public boolean detachExtras() { return mix.detachExtras(); }
  public int queueSize() { return queue.size(); }
  public int queueWarmup() { return queue.warmup(); }
  public double momentum() { return queue.momentum(); }
  public int poolPerAnchor() { return pool.perAnchor(); }
  public ExpiryPolicy expiryPolicy() { return pool.expiry(); }
  public long poolRefreshEvery() { return pool.refreshEvery(); }
  public int poolTop() { return pool.top(); }
  public long poolTtlSeconds() { return pool.ttlSeconds(); }

  /** Settings with the defaults of the CLI. */
  public static final class Builder {
    private String mixFrom = "in-batch=1";
    private String mixTo;
    private double rampFraction = 0.5;
    private int slots = 10;
    private int randomPerStep = 64;
    private int queueSize;
    private int queueWarmup = -1;
    private double momentum;
    private QueueSelection queueSelection = QueueSelection.BAND;
    private String pool;
    private int poolPerAnchor = 2;
    private ExpiryPolicy poolExpiry = ExpiryPolicy.REFRESH;
    private long poolRefreshEvery;
    private int poolTop = 50;
    private long poolTtlSeconds = 48 * 3600;
    private DynamicSource.Config dynamic;
    private boolean detachExtras = true;

    /** A constant mix, or the start of a ramp. */
    public Builder mix(String from) { mixFrom = from; return this; }
    /** The mix at the end of the ramp. */
    public Builder mixTo(String to) { mixTo = to; return this; }
    public Builder rampFraction(double v) { rampFraction = v; return this; }
    public Builder slots(int v) { slots = v; return this; }
    public Builder randomPerStep(int v) { randomPerStep = v; return this; }
    public Builder queue(int size) { queueSize = size; return this; }
    public Builder queueWarmup(int rows) { queueWarmup = rows; return this; }
    public Builder momentum(double v) { momentum = v; return this; }
    /** How the queue picks negatives (default {@link QueueSelection#BAND}). */
    public Builder queueSelection(QueueSelection v) { queueSelection = v; return this; }
    public Builder pool(String dir) { pool = dir; return this; }
    public Builder poolPerAnchor(int v) { poolPerAnchor = v; return this; }
    public Builder poolExpiry(ExpiryPolicy v) { poolExpiry = v; return this; }
    /** {@code fail}, {@code warn}, {@code refresh} or {@code background}. */
    public Builder poolExpiry(String v) { poolExpiry = ExpiryPolicy.parse(v); return this; }
    public Builder poolRefreshEvery(long steps) { poolRefreshEvery = steps; return this; }
    public Builder poolTop(int v) { poolTop = v; return this; }
    public Builder poolTtl(Duration d) { poolTtlSeconds = d.toSeconds(); return this; }
    /** The dynamic source's settings (default when the mix draws from it: {@link DynamicSource.Config#defaults}, triplet). */
    public Builder dynamic(DynamicSource.Config c) { dynamic = c; return this; }
    /** True (the default): random and offline items are embedded without gradients. */
    public Builder detachExtras(boolean v) { detachExtras = v; return this; }

    public SourcesConfig build() {
      int warm = queueWarmup >= 0 ? queueWarmup : Math.min(queueSize, Math.max(0, queueSize / 4));
      Mix m = new Mix(mixFrom, mixTo == null ? mixFrom : mixTo, rampFraction, slots, randomPerStep, detachExtras);
      return new SourcesConfig(m, new Queue(queueSize, warm, momentum, queueSelection),
          new Pool(pool, poolPerAnchor, poolExpiry, poolRefreshEvery, poolTop, poolTtlSeconds),
          dynamic != null || !m.uses(NegativeSource.DYNAMIC) ? dynamic : DynamicSource.Config.defaults(0.05, false));
    }
  }
}
