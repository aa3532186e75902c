package dev.negmine.core.pool;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * A candidate pool in use by training, with its expiry policy. The trainer calls {@link
 * #sampler(long)} once per step and draws from what it returns.
 *
 * <p>Thread safety: {@link #sampler}, {@link #current}, {@link #refreshes} and {@link
 * #lastFailure} may be called from any thread. The (pool, sampler) pair is swapped as one
 * reference, so a caller sees either the old pair or the new one, never a mix. Under {@link
 * ExpiryPolicy#BACKGROUND} at most one re-mine runs at a time, on this object's own daemon thread,
 * and the caller never waits; {@link #close()} stops that thread.
 */
public final class ManagedPool implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ManagedPool.class.getName());

  /** Re-mines a pool from the latest checkpoint or embeddings. Called from the refresh thread or the caller. */
  @FunctionalInterface
  public interface PoolSource {
    CandidatePool mine() throws Exception;
  }

  /**
   * One completed refresh.
   *
   * @param at clock time when the fresh pool was swapped in
   * @param step the training step that triggered it
   * @param took wall time of the re-mine
   * @param staleness how far the replaced pool had drifted
   */
  public record Refresh(Instant at, long step, Duration took, Staleness staleness) {}

  private record State(CandidatePool pool, PoolSampler sampler) {}

  private final AtomicReference<State> state;
  private final PoolSource source;
  private final ExpiryPolicy policy;
  private final InstantSource clock;
  private final long refreshEverySteps;
  private final int perAnchor;
  private final long seed;
  private final Staleness.PairScorer scorer;
  private final int stalenessSample;
  private final List<Refresh> refreshes = new CopyOnWriteArrayList<>();
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private final AtomicReference<Throwable> lastFailure = new AtomicReference<>();
  private final ExecutorService background;
  private volatile CandidatePool warned;
  private volatile long lastTriggerStep = Long.MIN_VALUE;

  private ManagedPool(Builder b) {
    this.source = b.source;
    this.policy = b.policy;
    this.clock = b.clock;
    this.refreshEverySteps = b.refreshEverySteps;
    this.perAnchor = b.perAnchor;
    this.seed = b.seed;
    this.scorer = b.scorer;
    this.stalenessSample = b.stalenessSample;
    this.state = new AtomicReference<>(new State(b.initial, new PoolSampler(b.initial, perAnchor, seed)));
    this.background = policy == ExpiryPolicy.BACKGROUND
        ? Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, "negmine-pool-refresh");
          t.setDaemon(true);
          return t;
        })
        : null;
  }

  public static Builder builder(CandidatePool initial, PoolSource source) {
    return new Builder(initial, source);
  }

  /** The pool now in use. */
  public CandidatePool current() {
    return state.get().pool();
  }

  /**
   * The sampler to draw from at {@code step}, after applying the expiry policy (and, under
   * BACKGROUND, the every-N-steps refresh).
   *
   * @throws PoolExpiredException under FAIL once the pool has expired
   */
  public PoolSampler sampler(long step) {
    State s = state.get();
    Instant now = clock.instant();
    boolean expired = s.pool().isExpired(now);
    switch (policy) {
      case FAIL -> {
        if (expired) {
          throw new PoolExpiredException(s.pool().manifest().expiresAt(), now);
        }
      }
      case WARN -> {
        if (expired && warned != s.pool()) {
          warned = s.pool();
          LOG.warning("candidate pool expired at " + s.pool().manifest().expiresAt() + " (now " + now + "); still using it");
        }
      }
      case REFRESH -> {
        if (expired) {
          refreshNow(step);
          s = state.get();
        }
      }
      case BACKGROUND -> {
        boolean periodic = refreshEverySteps > 0 && step > 0 && step % refreshEverySteps == 0 && step != lastTriggerStep;
        if ((expired || periodic) && inFlight.compareAndSet(false, true)) {
          lastTriggerStep = step;
          background.execute(() -> {
            try {
              refreshNow(step);
            } finally {
              inFlight.set(false);
            }
          });
        }
      }
    }
    return s.sampler();
  }

  /** Re-mines now on the calling thread and swaps the result in. Failures are recorded and rethrown. */
  public void refreshNow(long step) {
    long t0 = System.nanoTime();
    CandidatePool fresh;
    try {
      fresh = source.mine();
    } catch (Exception | Error e) {
      lastFailure.set(e);
      if (policy == ExpiryPolicy.BACKGROUND) {
        LOG.warning("background pool refresh failed; keeping the current pool: " + e);
        return;
      }
      throw new IllegalStateException("pool refresh failed: " + e.getMessage(), e);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    Instant now = clock.instant();
    State old = state.getAndSet(new State(fresh, new PoolSampler(fresh, perAnchor, seed)));
    refreshes.add(new Refresh(now, step, took, Staleness.between(old.pool(), fresh, scorer, stalenessSample, seed + step, now)));
  }

  /** True while a background re-mine runs. */
  public boolean refreshing() {
    return inFlight.get();
  }

  /** Completed refreshes, oldest first (a snapshot). */
  public List<Refresh> refreshes() {
    return List.copyOf(refreshes);
  }

  /** The last re-mine failure, or null. */
  public Throwable lastFailure() {
    return lastFailure.get();
  }

  /** Waits until no background refresh runs; for shutdown and tests. Returns false on timeout. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (inFlight.get()) {
      if (System.nanoTime() > end) {
        return false;
      }
      Thread.sleep(1);
    }
    return true;
  }

  @Override
  public void close() throws InterruptedException {
    if (background != null) {
      background.shutdown();
      background.awaitTermination(1, TimeUnit.MINUTES);
    }
  }

  /** Settings for a {@link ManagedPool}. */
  public static final class Builder {
    private final CandidatePool initial;
    private final PoolSource source;
    private ExpiryPolicy policy = ExpiryPolicy.FAIL;
    private InstantSource clock = InstantSource.system();
    private long refreshEverySteps;
    private int perAnchor = 3;
    private long seed;
    private Staleness.PairScorer scorer;
    private int stalenessSample = 1000;

    Builder(CandidatePool initial, PoolSource source) {
      if (initial == null || source == null) {
        throw new IllegalArgumentException("an initial pool and a source to re-mine from must be set");
      }
      this.initial = initial;
      this.source = source;
    }

    public Builder policy(ExpiryPolicy p) {
      this.policy = p;
      return this;
    }

    /** The clock expiry is judged by (tests pass a fake one). */
    public Builder clock(InstantSource c) {
      this.clock = c;
      return this;
    }

    /** Under BACKGROUND, also re-mine every this many steps (0 = only on expiry). */
    public Builder refreshEverySteps(long steps) {
      this.refreshEverySteps = steps;
      return this;
    }

    /** Candidates drawn per anchor per batch (default 3). */
    public Builder perAnchor(int n) {
      this.perAnchor = n;
      return this;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** Scores pairs with the current model for the staleness correlation (optional). */
    public Builder scorer(Staleness.PairScorer s) {
      this.scorer = s;
      return this;
    }

    /** Pairs sampled for the rank correlation (default 1000). */
    public Builder stalenessSample(int n) {
      this.stalenessSample = n;
      return this;
    }

    public ManagedPool build() {
      if (policy == null || clock == null || refreshEverySteps < 0 || stalenessSample < 0) {
        throw new IllegalArgumentException("policy and clock must be set; refreshEverySteps and stalenessSample >= 0");
      }
      return new ManagedPool(this);
    }
  }
}
