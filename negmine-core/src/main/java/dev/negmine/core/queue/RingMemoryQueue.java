package dev.negmine.core.queue;

import dev.negmine.core.linalg.Distance;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.linalg.Similarities;
import dev.negmine.core.mining.Miner;
import dev.negmine.core.mining.MinerConfig;
import dev.negmine.core.mining.MiningBatch;
import dev.negmine.core.mining.Triplets;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The ring behind {@link MemoryQueue}. Storage is one row-major float array of capacity x d plus
 * parallel label, id and step arrays; {@code head} is the next slot written.
 *
 * <p>Sequence lock: {@code version} is odd while {@link #enqueue} writes and even otherwise. The
 * writer bumps it (volatile write) and fences before touching the arrays, and bumps it again after
 * (a volatile write publishes the rows). A reader records an even version, reads, then re-reads the
 * version after an acquire fence ({@link QueueView#isCurrent()}); equal means nothing was written
 * meanwhile. {@code head} is the writer's alone; the size is derived from {@code enqueued}.
 */
final class RingMemoryQueue implements MemoryQueue {
  private final int capacity;
  private final int dim;
  private final int warmup;
  private final boolean normalize;
  private final float[] data;
  private final long[] labels;
  private final long[] ids;
  private final long[] steps;
  /** Squared norm per row, computed once at enqueue (the queue is mined many times per row). */
  private final float[] squaredNorms;
  private volatile long version;
  /** Written last by each enqueue, so reading it first makes the rows it counts visible. */
  private volatile long enqueued;
  private int head;

  RingMemoryQueue(int capacity, int dim, int warmup, boolean normalize) {
    this.capacity = capacity;
    this.dim = dim;
    this.warmup = warmup;
    this.normalize = normalize;
    this.data = new float[capacity * dim];
    this.labels = new long[capacity];
    this.ids = new long[capacity];
    this.steps = new long[capacity];
    this.squaredNorms = new float[capacity];
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public int dimension() {
    return dim;
  }

  @Override
  public int size() {
    return (int) Math.min(capacity, enqueued);
  }

  @Override
  public long enqueued() {
    return enqueued;
  }

  @Override
  public int warmup() {
    return warmup;
  }

  @Override
  public boolean isWarm() {
    return enqueued() >= warmup;
  }

  @Override
  public boolean normalizes() {
    return normalize;
  }

  @Override
  public void enqueue(FloatMatrix embeddings, long[] rowLabels, long[] rowIds, long step) {
    int n = embeddings.rows();
    if (embeddings.cols() != dim) {
      throw new IllegalArgumentException("embeddings have dimension " + embeddings.cols() + ", the queue " + dim);
    }
    if (rowLabels == null || rowLabels.length != n || (rowIds != null && rowIds.length != n)) {
      throw new IllegalArgumentException("labels (and ids when given) need " + n + " entries");
    }
    FloatMatrix rows = prepareRows(embeddings);
    float[] sq = Similarities.squaredNorms(rows);
    int skip = Math.max(0, n - capacity);
    version = version + 1;
    VarHandle.releaseFence();
    float[] src = rows.data();
    for (int r = skip; r < n; r++) {
      System.arraycopy(src, r * dim, data, head * dim, dim);
      labels[head] = rowLabels[r];
      ids[head] = rowIds != null ? rowIds[r] : -(enqueued + r) - 1;
      steps[head] = step;
      squaredNorms[head] = sq[r];
      head = head + 1 == capacity ? 0 : head + 1;
    }
    enqueued = enqueued + n;
    version = version + 1;
  }

  private FloatMatrix prepareRows(FloatMatrix e) {
    float[] d = e.data();
    for (int i = 0; i < d.length; i++) {
      if (!Float.isFinite(d[i])) {
        throw new IllegalArgumentException("embedding row " + (i / dim) + " column " + (i % dim) + " is " + d[i]);
      }
    }
    return normalize ? Similarities.normalizeRows(e) : e;
  }

  @Override
  public QueueView view() {
    while (true) {
      long v = version;
      if ((v & 1) != 0) {
        Thread.onSpinWait();
        continue;
      }
      int n = size();
      if (n == capacity) {
        return new QueueView(FloatMatrix.of(capacity, dim, data), labels, ids, steps, squaredNorms, v, () -> version);
      }
      QueueView copy = copyOf(n, v);
      if (copy.isCurrent()) {
        return copy;
      }
    }
  }

  @Override
  public QueueView snapshot() {
    while (true) {
      long v = version;
      if ((v & 1) != 0) {
        Thread.onSpinWait();
        continue;
      }
      QueueView copy = copyOf(size(), v);
      VarHandle.acquireFence();
      if (version == v) {
        return new QueueView(copy.embeddings(), copy.labels(), copy.ids(), copy.steps(), copy.squaredNorms(), 0, () -> 0);
      }
    }
  }

  private QueueView copyOf(int n, long v) {
    return new QueueView(FloatMatrix.of(n, dim, Arrays.copyOf(data, n * dim)), Arrays.copyOf(labels, n),
        Arrays.copyOf(ids, n), Arrays.copyOf(steps, n), Arrays.copyOf(squaredNorms, n), v, () -> version);
  }

  @Override
  public AgeStats ageStats(long currentStep) {
    QueueView v = view();
    long[] s = v.steps();
    if (s.length == 0) {
      return new AgeStats(0, 0, 0, 0);
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    double sum = 0;
    for (long st : s) {
      long age = currentStep - st;
      min = Math.min(min, age);
      max = Math.max(max, age);
      sum += age;
    }
    double mean = Math.min(max, Math.max(min, sum / s.length));
    return new AgeStats(s.length, min, mean, max);
  }

  @Override
  public QueueMining mine(Miner miner, FloatMatrix batch, long[] batchLabels, long[] batchIds, long step) {
    int b = batch.rows();
    if (batch.cols() != dim) {
      throw new IllegalArgumentException("batch has dimension " + batch.cols() + ", the queue " + dim);
    }
    if (batchLabels == null || batchLabels.length != b || (batchIds != null && batchIds.length != b)) {
      throw new IllegalArgumentException("labels (and ids when given) need " + b + " entries");
    }
    MinerConfig cfg = miner.config();
    if (!isWarm()) {
      return new QueueMining(miner.mine(MiningBatch.self(batch, batchLabels, batchIds, cfg), step), b,
          QueueView.empty(dim));
    }
    boolean minerNormalizes = cfg.normalize() && cfg.distance() != Distance.COSINE;
    if (normalize != minerNormalizes && cfg.distance() != Distance.COSINE) {
      throw new IllegalArgumentException("the queue " + (normalize ? "stores L2-normalised rows" : "stores raw rows")
          + " but miner " + miner.name() + (minerNormalizes ? " normalises" : " compares raw embeddings")
          + "; build the queue with normalize(" + minerNormalizes + ")");
    }
    FloatMatrix q = minerNormalizes ? Similarities.normalizeRows(checkFinite(batch)) : checkFinite(batch);
    long[] qIds = batchIds != null ? batchIds : syntheticIds(b);
    QueueView view = view();
    boolean hard = (miner.name().equals("batch-hard") || miner.name().equals("cos-batch-hard"))
        && cfg.maxTriplets() == 0;
    Triplets t = hard
        ? StreamedBatchHard.mine(q, batchLabels, qIds, view, cfg.distance())
        : materialised(miner, q, batchLabels, qIds, view, step);
    return new QueueMining(t, b, view);
  }

  /** Ids no queued row can carry: enqueue gives id-less rows ids in [-enqueued, -1]. */
  private static long[] syntheticIds(int b) {
    long[] out = new long[b];
    for (int i = 0; i < b; i++) {
      out[i] = Long.MIN_VALUE + i;
    }
    return out;
  }

  private static FloatMatrix checkFinite(FloatMatrix e) {
    float[] d = e.data();
    for (int i = 0; i < d.length; i++) {
      if (!Float.isFinite(d[i])) {
        throw new IllegalArgumentException("batch row " + (i / e.cols()) + " column " + (i % e.cols()) + " is " + d[i]);
      }
    }
    return e;
  }

  /** One B x (B + Q) score matrix, written block by block (no concatenated copy of the queue). */
  private Triplets materialised(Miner miner, FloatMatrix q, long[] batchLabels, long[] qIds, QueueView view, long step) {
    int b = q.rows();
    int w = b + view.size();
    Distance d = miner.config().distance();
    FloatMatrix scores = FloatMatrix.zeros(b, w);
    float[] out = scores.data();
    Similarities.forEachBlock(q, q, d, (r0, r1, c0, c1, block) -> copyBlock(out, w, 0, r0, r1, c0, c1, block));
    Similarities.forEachBlock(q, view.embeddings(), d,
        (r0, r1, c0, c1, block) -> copyBlock(out, w, b, r0, r1, c0, c1, block));
    long[] refLabels = concat(batchLabels, view.labels());
    long[] refIds = concat(qIds, view.ids());
    MiningBatch mb = new MiningBatch(scores, d, batchLabels, qIds, refLabels, refIds, false, q.cols());
    return miner.mine(mb, step);
  }

  private static void copyBlock(float[] out, int w, int colOffset, int r0, int r1, int c0, int c1, float[] block) {
    int cols = c1 - c0;
    for (int r = r0; r < r1; r++) {
      System.arraycopy(block, (r - r0) * cols, out, r * w + colOffset + c0, cols);
    }
  }

  private static long[] concat(long[] a, long[] b) {
    long[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
