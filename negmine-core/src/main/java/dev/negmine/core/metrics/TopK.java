package dev.negmine.core.metrics;

import java.util.Arrays;

/**
 * The {@code capacity} smallest keys offered, as a bounded max-heap of {@code long}s. Not
 * thread-safe: one query's heap is fed by one thread at a time.
 *
 * <p>A key packs a distance-like score (smaller is closer) and an item index so that one signed
 * {@code long} comparison orders by score, then by index: ties go to the lowest index. The score's
 * IEEE bits are mapped to an order-preserving int ({@link #key}); {@code -0.0f} must be folded into
 * {@code +0.0f} by the caller (adding {@code 0.0f} does it) so that equal scores tie.
 */
final class TopK {
  private final int capacity;
  private long[] heap;
  private int size;

  TopK(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity);
    }
    this.capacity = capacity;
    this.heap = new long[Math.min(capacity, 32)];
  }

  static long key(float distanceLike, int index) {
    int bits = Float.floatToRawIntBits(distanceLike);
    bits ^= (bits >> 31) & 0x7fffffff;
    return ((long) bits << 32) | (index & 0xffffffffL);
  }

  static int index(long key) {
    return (int) key;
  }

  void offer(long key) {
    if (size < capacity) {
      if (size == heap.length) {
        heap = Arrays.copyOf(heap, (int) Math.min(capacity, 2L * heap.length));
      }
      int i = size++;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (heap[parent] >= key) {
          break;
        }
        heap[i] = heap[parent];
        i = parent;
      }
      heap[i] = key;
    } else if (key < heap[0]) {
      int i = 0;
      while (true) {
        int child = 2 * i + 1;
        if (child >= size) {
          break;
        }
        if (child + 1 < size && heap[child + 1] > heap[child]) {
          child++;
        }
        if (heap[child] <= key) {
          break;
        }
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = key;
    }
  }

  int size() {
    return size;
  }

  /** The kept keys in ascending order (closest first). Ends this heap's use: do not offer after. */
  long[] drainSorted() {
    long[] out = Arrays.copyOf(heap, size);
    Arrays.sort(out);
    heap = null;
    return out;
  }
}
