package dev.negmine.train.negatives;

import dev.negmine.core.pool.ExpiryPolicy;

/**
 * Negative sources beyond the batch miner: the source mix, the memory queue (with an optional
 * momentum key encoder) and the offline candidate pool. Part of {@link dev.negmine.train.TrainConfig},
 * so two runs with equal settings replay identically (background pool refreshes excepted, see
 * {@link NegativeSources}). Build with {@link #builder()}.
 *
 * @param mixFrom source shares at the start, e.g. {@code random=0.3,in-batch=0.5,offline=0.2}
 * @param mixTo shares at the end of the ramp (equal to {@code mixFrom} for a constant mix)
 * @param rampFraction share of training over which the mix moves from {@code mixFrom} to {@code mixTo}
 * @param slots negatives per anchor per step (each from one source)
 * @param randomPerStep random items embedded per step and shared by the anchors' random slots
 * @param queueSize memory-queue rows (0 = no queue)
 * @param queueWarmup rows enqueued before the queue serves negatives (until then its slots go in-batch)
 * @param momentum EMA factor of the key encoder that embeds queued keys (0 = the query encoder's own
 *     embeddings are queued)
 * @param pool an offline pool directory, or null (a mix with an offline share then mines one at start)
 * @param poolPerAnchor candidates drawn per anchor per step (2-4 is the usual practice)
 * @param poolExpiry what happens when the pool is past its time-to-live
 * @param poolRefreshEvery re-mine the pool every this many steps (0 = only on expiry)
 * @param poolTop candidates kept per anchor when the trainer mines a pool itself
 * @param poolTtlSeconds time-to-live of pools the trainer mines
 * @param dynamic the dynamic tree-index source's settings (set whenever the mix draws from it), or null
 * @param detachExtras embed the random and offline items without gradients, in a separate pass
 *     before the step (their terms then train the anchor and positive side only); false puts
 *     them in the step's forward pass so gradients flow into them as well
 */
public record SourcesConfig(
    String mixFrom,
    String mixTo,
    double rampFraction,
    int slots,
    int randomPerStep,
    int queueSize,
    int queueWarmup,
    double momentum,
    String pool,
    int poolPerAnchor,
    String poolExpiry,
    long poolRefreshEvery,
    int poolTop,
    long poolTtlSeconds,
    DynamicSource.Config dynamic,
    boolean detachExtras) {

  public SourcesConfig {
    MixSpec.parse(mixFrom);
    MixSpec.parse(mixTo);
    if (!(rampFraction >= 0 && rampFraction <= 1)) {
      throw new IllegalArgumentException("mix ramp fraction must be in [0, 1], got " + rampFraction);
    }
    if (slots < 1 || slots > 256) {
      throw new IllegalArgumentException("negatives per anchor (--slots) must be in [1, 256], got " + slots);
    }
    if (randomPerStep < 1) {
      throw new IllegalArgumentException("random items per step must be >= 1, got " + randomPerStep);
    }
    if (queueSize < 0 || queueSize > (1 << 20)) {
      throw new IllegalArgumentException("--queue must be in [0, 1048576], got " + queueSize);
    }
    if (queueWarmup < 0 || (queueSize > 0 && queueWarmup > queueSize)) {
      throw new IllegalArgumentException("--queue-warmup must be in [0, queue size " + queueSize + "], got " + queueWarmup);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("--momentum must be in [0, 1), got " + momentum);
    }
    if (momentum > 0 && queueSize == 0) {
      throw new IllegalArgumentException("--momentum needs a memory queue (--queue N): the key encoder embeds queued keys");
    }
    if (poolPerAnchor < 1 || poolPerAnchor > 64) {
      throw new IllegalArgumentException("--pool-per-anchor must be in [1, 64] (2-4 is usual), got " + poolPerAnchor);
    }
    ExpiryPolicy.parse(poolExpiry);
    if (poolRefreshEvery < 0 || poolTop < 1 || poolTtlSeconds < 1) {
      throw new IllegalArgumentException("pool refresh interval must be >= 0, top >= 1 and TTL >= 1 s");
    }
    boolean queueShare = MixSpec.uses(MixSpec.parse(mixFrom), dev.negmine.core.mixer.NegativeSource.QUEUE)
        || MixSpec.uses(MixSpec.parse(mixTo), dev.negmine.core.mixer.NegativeSource.QUEUE);
    if (queueShare && queueSize == 0) {
      throw new IllegalArgumentException("the mix draws from the queue but no queue is set (--queue N)");
    }
    if (usesDynamic(mixFrom, mixTo) && dynamic == null) {
      throw new IllegalArgumentException("the mix draws from the dynamic index but its settings are missing");
    }
    if (dynamic != null && dynamic.infoNce() && (MixSpec.parse(mixFrom).share(dev.negmine.core.mixer.NegativeSource.DYNAMIC) < 1
        || MixSpec.parse(mixTo).share(dev.negmine.core.mixer.NegativeSource.DYNAMIC) < 1 || queueSize > 0 || pool != null)) {
      throw new IllegalArgumentException("InfoNCE with dynamic negatives (--negatives dynamic) takes every negative from the"
          + " index: use the mix dynamic=1 and no queue or pool (or the triplet loss to mix sources)");
    }
  }

  private static boolean usesDynamic(String from, String to) {
    return MixSpec.uses(MixSpec.parse(from), dev.negmine.core.mixer.NegativeSource.DYNAMIC)
        || MixSpec.uses(MixSpec.parse(to), dev.negmine.core.mixer.NegativeSource.DYNAMIC);
  }

  /** True when some step of the mix draws from the dynamic index. */
  public boolean usesDynamic() {
    return usesDynamic(mixFrom, mixTo);
  }

  /** True when the loss is InfoNCE over the batch and the dynamic index's draws (log-Q corrected). */
  public boolean dynamicInfoNce() {
    return dynamic != null && dynamic.infoNce();
  }

  public static Builder builder() {
    return new Builder();
  }

  public ExpiryPolicy expiryPolicy() {
    return ExpiryPolicy.parse(poolExpiry);
  }

  /** True when some step of the mix draws offline negatives. */
  public boolean usesPool() {
    return MixSpec.uses(MixSpec.parse(mixFrom), dev.negmine.core.mixer.NegativeSource.OFFLINE)
        || MixSpec.uses(MixSpec.parse(mixTo), dev.negmine.core.mixer.NegativeSource.OFFLINE);
  }

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
    private String pool;
    private int poolPerAnchor = 2;
    private String poolExpiry = "refresh";
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
    public Builder pool(String dir) { pool = dir; return this; }
    public Builder poolPerAnchor(int v) { poolPerAnchor = v; return this; }
    public Builder poolExpiry(String v) { poolExpiry = v; return this; }
    public Builder poolRefreshEvery(long steps) { poolRefreshEvery = steps; return this; }
    public Builder poolTop(int v) { poolTop = v; return this; }
    public Builder poolTtl(java.time.Duration d) { poolTtlSeconds = d.toSeconds(); return this; }
    /** The dynamic source's settings (default when the mix draws from it: {@link DynamicSource.Config#defaults}, triplet). */
    public Builder dynamic(DynamicSource.Config c) { dynamic = c; return this; }
    /** True (the default): random and offline items are embedded without gradients. */
    public Builder detachExtras(boolean v) { detachExtras = v; return this; }

    public SourcesConfig build() {
      int warm = queueWarmup >= 0 ? queueWarmup : Math.min(queueSize, Math.max(0, queueSize / 4));
      return new SourcesConfig(mixFrom, mixTo == null ? mixFrom : mixTo, rampFraction, slots, randomPerStep, queueSize,
          warm, momentum, pool, poolPerAnchor, poolExpiry, poolRefreshEvery, poolTop, poolTtlSeconds,
          dynamic != null || !usesDynamic(mixFrom, mixTo == null ? mixFrom : mixTo) ? dynamic
              : DynamicSource.Config.defaults(0.05, false),
          detachExtras);
    }
  }
}
