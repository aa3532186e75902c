package dev.negmine.core.distributed;

/**
 * Cumulative communication counters of a {@link Collective}.
 *
 * @param calls collective operations called
 * @param nanos wall time spent inside them (waiting for slower ranks included)
 * @param bytes bytes that reached this rank from others under the textbook algorithms: an all-gather
 *     brings the other ranks' parts; a ring all-reduce of n bytes moves 2 (W - 1) / W n; a
 *     broadcast brings the buffer to every rank but the root
 */
public record CommStats(long calls, long nanos, long bytes) {
  public static final CommStats ZERO = new CommStats(0, 0, 0);

  public CommStats {
    if (calls < 0 || nanos < 0 || bytes < 0) {
      throw new IllegalArgumentException("counters must be >= 0, got " + calls + ", " + nanos + ", " + bytes);
    }
  }

  /** This minus {@code earlier}: what happened between two snapshots. */
  public CommStats minus(CommStats earlier) {
    return new CommStats(calls - earlier.calls, nanos - earlier.nanos, bytes - earlier.bytes);
  }

  /** Bytes an all-reduce of {@code n} bytes moves into one of {@code world} ranks (ring algorithm). */
  public static long allReduceBytes(long n, int world) {
    return world <= 1 ? 0 : 2L * (world - 1) * n / world;
  }
}
