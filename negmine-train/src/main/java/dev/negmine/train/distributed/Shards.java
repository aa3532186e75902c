package dev.negmine.train.distributed;

/**
 * How a global batch of n rows is split over W ranks: rank r takes the contiguous rows
 * [floor(r n / W), floor((r + 1) n / W)), so the all-gather of the ranks' rows in rank order is the
 * global batch in its original order (sizes differ by at most one).
 */
public final class Shards {
  private Shards() {}

  /** First row of {@code rank}'s shard; {@code start(n, world, world) == n}. */
  public static int start(int n, int rank, int world) {
    if (world < 1 || rank < 0 || rank > world || n < 0) {
      throw new IllegalArgumentException("bad shard request: n=" + n + ", rank=" + rank + ", world=" + world);
    }
    return (int) ((long) rank * n / world);
  }

  /** {@code rank}'s rows of {@code batch}. */
  public static int[] of(int[] batch, int rank, int world) {
    return java.util.Arrays.copyOfRange(batch, start(batch.length, rank, world), start(batch.length, rank + 1, world));
  }
}
