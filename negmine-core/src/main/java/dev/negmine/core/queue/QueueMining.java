package dev.negmine.core.queue;

import dev.negmine.core.mining.Triplets;

/**
 * Triplets mined against batch + queue. Positive and negative indices below {@code batchSize} are
 * batch rows; the others are rows {@code index - batchSize} of {@code queue} (the view mined
 * against; its arrays are the ring's own when it was full, so gather the rows you need before the
 * next enqueue).
 *
 * @param triplets anchors index the batch; positives and negatives index batch + queue
 * @param batchSize B
 * @param queue the queue rows used, or an empty view before warm-up
 */
public record QueueMining(Triplets triplets, int batchSize, QueueView queue) {
  public QueueMining {
    if (triplets == null || queue == null || batchSize < 0) {
      throw new IllegalArgumentException("triplets and queue must be set and batchSize >= 0");
    }
  }

  /** True when reference {@code ref} is a queue row. */
  public boolean fromQueue(int ref) {
    return ref >= batchSize;
  }

  /** Number of triplets whose negative comes from the queue. */
  public int queueNegatives() {
    int n = 0;
    for (int r = 0; r < triplets.size(); r++) {
      if (triplets.negative(r) >= batchSize) {
        n++;
      }
    }
    return n;
  }
}
