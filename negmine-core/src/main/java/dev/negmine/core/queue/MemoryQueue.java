package dev.negmine.core.queue;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mining.Miner;

/**
 * A fixed-capacity ring of recent embeddings with their labels, item ids and the training step
 * that produced them (MoCo / cross-batch memory). Training mines each batch against the batch plus
 * the queue, then enqueues the batch after the loss is computed.
 *
 * <p>Thread safety: one writer, many readers. {@link #enqueue} must be called from one thread at a
 * time (the training loop). {@link #mine}, {@link #view} and the statistics may run on that thread
 * or on others: {@link #view} is zero-copy once the ring is full and is guarded by a sequence lock
 * ({@link QueueView#isCurrent()} tells a reader on another thread whether the writer touched the
 * ring while it read); {@link #snapshot} copies, retrying until it gets a consistent copy. Mining on
 * the writer's thread (the usual loop: mine, loss, enqueue) always sees a consistent ring.
 */
public interface MemoryQueue {
  /** A builder for a queue of {@code capacity} rows of {@code dimension} floats. */
  static Builder builder(int capacity, int dimension) {
    return new Builder(capacity, dimension);
  }

  int capacity();

  int dimension();

  /** Rows currently held: min(enqueued, capacity). */
  int size();

  /** Rows enqueued since creation (including those since overwritten). */
  long enqueued();

  /** Rows needed before {@link #isWarm()}. */
  int warmup();

  /** True once at least {@link #warmup()} rows have been enqueued; before that {@link #mine} uses the batch alone. */
  boolean isWarm();

  /** True when rows are L2-normalised as they are enqueued (see {@link Builder#normalize}). */
  boolean normalizes();

  /**
   * Appends a batch (after its loss was computed), overwriting the oldest rows when full. A batch
   * larger than the capacity keeps its last {@code capacity} rows. Writer thread only.
   *
   * @param ids item ids, or null (each row then gets a fresh negative id, unique for this queue)
   * @throws IllegalArgumentException on a shape mismatch, a non-finite value, or a zero row when normalising
   */
  void enqueue(FloatMatrix embeddings, long[] labels, long[] ids, long step);

  /**
   * The rows held now, oldest slot order not guaranteed (slot order). Zero-copy once the ring is
   * full (the arrays are the ring's own: read them, never write them); a copy while it fills.
   */
  QueueView view();

  /** A consistent private copy of the rows held now; safe to keep across enqueues. */
  QueueView snapshot();

  /** Age in steps ({@code currentStep - step of the row}) over the rows held now. */
  AgeStats ageStats(long currentStep);

  /**
   * Mines a batch against itself plus the queue with any miner ({@link dev.negmine.core.mining.Miners}).
   * Reference indices in the result: {@code [0, B)} are batch rows, {@code [B, B + Q)} are rows of
   * the returned view. An item never pairs with itself or with a queued row of the same id.
   * {@code batch-hard} and {@code cos-batch-hard} without a triplet cap stream the B x Q scores
   * (never materialised); other miners get one B x (B + Q) score matrix. Before warm-up the batch
   * is mined alone. Runs on the writer's thread or another (then see {@link QueueView#isCurrent()}).
   *
   * @param ids batch item ids, or null when the batch items are not in the queue under known ids
   * @throws IllegalArgumentException when the queue normalises but the miner compares raw
   *     embeddings, or on a shape mismatch
   */
  QueueMining mine(Miner miner, FloatMatrix batch, long[] labels, long[] ids, long step);

  /** Queue settings; {@link #build()} validates them. */
  final class Builder {
    private final int capacity;
    private final int dimension;
    private int warmup = -1;
    private boolean normalize = true;

    Builder(int capacity, int dimension) {
      this.capacity = capacity;
      this.dimension = dimension;
    }

    /** Rows enqueued before the queue is used for mining (default: the capacity). */
    public Builder warmup(int rows) {
      this.warmup = rows;
      return this;
    }

    /**
     * L2-normalise rows on enqueue (default true, matching {@code MinerConfig.normalize()}): the
     * queue is then never re-normalised per step.
     */
    public Builder normalize(boolean v) {
      this.normalize = v;
      return this;
    }

    /**
     * @throws IllegalArgumentException unless 1 <= capacity <= 1<<20, dimension >= 1,
     *     capacity * dimension fits one array and 0 <= warmup <= capacity
     */
    public MemoryQueue build() {
      if (capacity < 1 || capacity > (1 << 20)) {
        throw new IllegalArgumentException("capacity must be in [1, 1048576], got " + capacity);
      }
      if (dimension < 1 || (long) capacity * dimension > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("dimension must be >= 1 and capacity*dimension fit one array, got "
            + capacity + "x" + dimension);
      }
      int w = warmup < 0 ? capacity : warmup;
      if (w > capacity) {
        throw new IllegalArgumentException("warmup " + w + " exceeds the capacity " + capacity);
      }
      return new RingMemoryQueue(capacity, dimension, w, normalize);
    }
  }
}
