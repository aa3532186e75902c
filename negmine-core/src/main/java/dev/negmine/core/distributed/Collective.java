package dev.negmine.core.distributed;

/**
 * The collective operations data-parallel training needs, over a fixed group of {@link #worldSize}
 * processes (ranks 0 .. worldSize - 1). Every rank must call the same operations in the same order
 * with compatible arguments (as in MPI); an operation returns on a rank once that rank's part is
 * done. Errors of the underlying transport become {@link CollectiveException}s carrying its own
 * message. Implementations are for one thread at a time (the training thread).
 *
 * <p>{@link #stats()} counts every call: the time spent inside collectives and the bytes moved
 * into this rank (see {@link CommStats}), so a trainer can report compute against communication.
 */
public interface Collective extends AutoCloseable {
  /** This process's rank, 0-based. */
  int rank();

  /** Number of ranks. */
  int worldSize();

  /** Every rank's {@code local} (lengths may differ), concatenated in rank order, on every rank. */
  float[] allGather(float[] local);

  /** Every rank's {@code local} (lengths may differ), concatenated in rank order, on every rank. */
  long[] allGather(long[] local);

  /**
   * {@link #allGather(float[])} when every rank knows every rank's length ({@code counts}, in rank
   * order, equal on all ranks): saves the exchange of lengths.
   */
  float[] allGather(float[] local, int[] counts);

  /** {@link #allGather(long[])} with known lengths; see {@link #allGather(float[], int[])}. */
  long[] allGather(long[] local, int[] counts);

  /** Replaces {@code buffer} on every rank by the element-wise sum over ranks; same length everywhere. */
  void allReduceSum(float[] buffer);

  /** Replaces {@code buffer} on every rank by the element-wise sum over ranks; same length everywhere. */
  void allReduceSum(double[] buffer);

  /** Replaces {@code buffer} on every rank by {@code root}'s; same length everywhere. */
  void broadcast(float[] buffer, int root);

  /** Replaces {@code buffer} on every rank by {@code root}'s; same length everywhere. */
  void broadcast(byte[] buffer, int root);

  /** Returns once every rank has called it. */
  void barrier();

  /** Cumulative counters since this collective was opened. */
  CommStats stats();

  /**
   * Ends the job on every rank at once with {@code code}, after printing {@code message}: what a
   * rank does when it cannot go on and the others would wait for it forever. Does not return.
   */
  void abort(String message, int code);

  /** Leaves the group (MPI_Finalize); a no-op for a single process. */
  @Override
  void close();
}
