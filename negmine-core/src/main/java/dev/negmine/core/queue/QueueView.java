package dev.negmine.core.queue;

import dev.negmine.core.linalg.FloatMatrix;
import java.util.function.LongSupplier;

/**
 * The rows of a queue at one moment: embeddings (Q x d), labels, ids and steps, row-aligned.
 * Arrays may be shared with the queue (see {@link MemoryQueue#view()}): read, never write.
 */
public final class QueueView {
  private final FloatMatrix embeddings;
  private final long[] labels;
  private final long[] ids;
  private final long[] steps;
  private final float[] squaredNorms;
  private final long version;
  private final LongSupplier currentVersion;

  QueueView(FloatMatrix embeddings, long[] labels, long[] ids, long[] steps, long version, LongSupplier currentVersion) {
    this(embeddings, labels, ids, steps, null, version, currentVersion);
  }

  QueueView(FloatMatrix embeddings, long[] labels, long[] ids, long[] steps, float[] squaredNorms, long version,
      LongSupplier currentVersion) {
    if (labels.length != embeddings.rows() || ids.length != labels.length || steps.length != labels.length
        || (squaredNorms != null && squaredNorms.length != labels.length)) {
      throw new IllegalArgumentException("misaligned queue view");
    }
    this.embeddings = embeddings;
    this.labels = labels;
    this.ids = ids;
    this.steps = steps;
    this.squaredNorms = squaredNorms;
    this.version = version;
    this.currentVersion = currentVersion;
  }

  static QueueView empty(int dimension) {
    return new QueueView(FloatMatrix.zeros(0, dimension), new long[0], new long[0], new long[0], 0, () -> 0);
  }

  public FloatMatrix embeddings() {
    return embeddings;
  }

  public long[] labels() {
    return labels;
  }

  public long[] ids() {
    return ids;
  }

  public long[] steps() {
    return steps;
  }

  /**
   * Squared norm of every row as {@link dev.negmine.core.linalg.Similarities#squaredNorms} computes
   * it, kept by the queue since each row's enqueue; null when the view does not carry them.
   */
  public float[] squaredNorms() {
    return squaredNorms;
  }

  public int size() {
    return labels.length;
  }

  /**
   * True when no enqueue has started since this view was taken, so everything read from it so far
   * is consistent. A reader on another thread than the writer reads what it needs, then checks
   * this and retries on false (the sequence-lock protocol). Always true for a {@link
   * MemoryQueue#snapshot() snapshot}.
   */
  public boolean isCurrent() {
    // Orders the caller's earlier plain reads of the arrays before the version re-read.
    java.lang.invoke.VarHandle.acquireFence();
    return currentVersion.getAsLong() == version;
  }
}
