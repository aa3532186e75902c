package dev.negmine.text.finetune;

import dev.negmine.core.linalg.FloatMatrix;
import java.util.Arrays;

/**
 * Cross-batch memory of document embeddings (MoCo's queue, XBM for retrieval): the embeddings the
 * encoder gave the last {@code capacity} documents of earlier steps, each with its corpus row,
 * oldest first. Every row is a constant negative column of every query's softmax in later steps
 * (judged positives masked by corpus row), so a batch of 32 queries is ranked against thousands
 * of documents for the price of a matrix product. Rows are as stale as their age in steps; XBM
 * shows the drift is small once the embedding changes slowly (after warm-up).
 *
 * <p>Kept here rather than in core's {@code RingMemoryQueue}: that ring serves labelled rows to the
 * image pipeline's miners; this one must checkpoint and restore in exactly the order the loss saw
 * it, which a FIFO in age order makes trivial. Single-threaded (the training thread).
 */
final class DocumentQueue {
  private final int capacity;
  private final int dim;
  private float[] data;
  private int[] rows;
  private int size;

  DocumentQueue(int capacity, int dim) {
    if (capacity < 1 || dim < 1 || (long) capacity * dim > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("queue of " + capacity + " x " + dim);
    }
    this.capacity = capacity;
    this.dim = dim;
    this.data = new float[0];
    this.rows = new int[0];
  }

  int size() {
    return size;
  }

  int capacity() {
    return capacity;
  }

  /** Corpus row of each queued document, oldest first (a copy). */
  int[] rows() {
    return Arrays.copyOf(rows, size);
  }

  /** The queued embeddings, oldest first, {@code size x dim} (a copy). */
  FloatMatrix embeddings() {
    return FloatMatrix.of(size, dim, Arrays.copyOf(data, size * dim));
  }

  /**
   * Appends documents (row-major {@code docRows.length x dim} embeddings), dropping the oldest
   * past the capacity.
   */
  void add(int[] docRows, float[] embeddings) {
    if (embeddings.length != docRows.length * dim) {
      throw new IllegalArgumentException(docRows.length + " rows, " + embeddings.length + " floats, dim " + dim);
    }
    int keepOld = Math.max(0, Math.min(size, capacity - docRows.length));
    int fromNew = Math.min(docRows.length, capacity);
    int n = keepOld + fromNew;
    float[] d = new float[n * dim];
    int[] r = new int[n];
    System.arraycopy(data, (size - keepOld) * dim, d, 0, keepOld * dim);
    System.arraycopy(rows, size - keepOld, r, 0, keepOld);
    int skip = docRows.length - fromNew;
    System.arraycopy(embeddings, skip * dim, d, keepOld * dim, fromNew * dim);
    System.arraycopy(docRows, skip, r, keepOld, fromNew);
    data = d;
    rows = r;
    size = n;
  }

  /** Replaces the contents with a checkpoint's (oldest first). */
  void restore(int[] docRows, float[] embeddings) {
    size = 0;
    data = new float[0];
    rows = new int[0];
    add(docRows, embeddings);
  }
}
