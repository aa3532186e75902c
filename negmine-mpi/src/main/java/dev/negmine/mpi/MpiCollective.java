package dev.negmine.mpi;

import dev.negmine.core.distributed.Collective;
import dev.negmine.core.distributed.CollectiveException;
import dev.negmine.core.distributed.Collectives;
import dev.negmine.core.distributed.CommStats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Locale;

/**
 * {@link Collective} over MPI_COMM_WORLD of Open MPI. Buffers are copied into native scratch
 * segments (grown, never shrunk) and the MPI call runs on the calling thread; a watchdog thread
 * aborts the whole job (MPI_Abort) when one call waits longer than the timeout for the other ranks
 * (a rank that died without the runtime noticing, or hangs), after printing which call on which
 * rank gave up. For the training thread only (one call at a time); {@link #abort} may be called
 * from any thread.
 */
final class MpiCollective implements Collective {
  private final Mpi mpi;
  private final int rank;
  private final int size;
  private final long timeoutNanos;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment[] scratch = new MemorySegment[3];
  private final Thread watchdog;
  private volatile long deadline;
  private volatile String current;
  private volatile long callStart;
  private volatile boolean closed;
  private boolean synced;
  private long calls;
  private long nanos;
  private long bytes;

  MpiCollective(Mpi mpi, Duration timeout) {
    this.mpi = mpi;
    if (!mpi.isInitialized()) {
      // the watchdog calls MPI_Abort from its own thread while the training thread is inside MPI
      mpi.initThread(Mpi.THREAD_MULTIPLE);
    }
    mpi.errorsReturn();
    this.rank = mpi.rank();
    this.size = mpi.size();
    this.timeoutNanos = timeout.toNanos();
    this.watchdog = new Thread(this::watch, "negmine-mpi-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int worldSize() {
    return size;
  }

  @Override
  public float[] allGather(float[] local) {
    return allGather(local, counts(local.length));
  }

  @Override
  public long[] allGather(long[] local) {
    return allGather(local, counts(local.length));
  }

  private void checkCounts(int length, int[] counts) {
    if (counts.length != size || counts[rank] != length) {
      throw new CollectiveException("counts " + java.util.Arrays.toString(counts) + " do not fit rank " + rank + " of "
          + size + " sending " + length);
    }
  }

  @Override
  public float[] allGather(float[] local, int[] counts) {
    checkCounts(local.length, counts);
    long total = sum(counts);
    MemorySegment send = segment(0, (long) local.length * 4);
    MemorySegment.copy(local, 0, send, ValueLayout.JAVA_FLOAT, 0, local.length);
    MemorySegment recv = segment(1, total * 4);
    gather("allGather", send, local.length, counts, recv, mpi.typeFloat);
    bytes += (total - local.length) * 4;
    return recv.asSlice(0, total * 4).toArray(ValueLayout.JAVA_FLOAT);
  }

  @Override
  public long[] allGather(long[] local, int[] counts) {
    checkCounts(local.length, counts);
    long total = sum(counts);
    MemorySegment send = segment(0, (long) local.length * 8);
    MemorySegment.copy(local, 0, send, ValueLayout.JAVA_LONG, 0, local.length);
    MemorySegment recv = segment(1, total * 8);
    gather("allGather", send, local.length, counts, recv, mpi.typeInt64);
    bytes += (total - local.length) * 8;
    return recv.asSlice(0, total * 8).toArray(ValueLayout.JAVA_LONG);
  }

  /** Every rank's element count, in rank order (one MPI_Allgather of one int). */
  private int[] counts(int local) {
    MemorySegment c = segment(2, 4L * size);
    c.set(ValueLayout.JAVA_INT, 4L * rank, local);
    timed("allGather(sizes)", () -> mpi.allgather(Mpi.IN_PLACE, 0, mpi.typeInt, c, 1, mpi.typeInt));
    return c.asSlice(0, 4L * size).toArray(ValueLayout.JAVA_INT);
  }

  private void gather(String op, MemorySegment send, int count, int[] counts, MemorySegment recv, MemorySegment type) {
    boolean even = true;
    for (int n : counts) {
      even &= n == counts[0];
    }
    if (even) {
      timed(op, () -> mpi.allgather(send, count, type, recv, count, type));
      return;
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment cs = a.allocate(ValueLayout.JAVA_INT, size);
      MemorySegment ds = a.allocate(ValueLayout.JAVA_INT, size);
      int off = 0;
      for (int r = 0; r < size; r++) {
        cs.setAtIndex(ValueLayout.JAVA_INT, r, counts[r]);
        ds.setAtIndex(ValueLayout.JAVA_INT, r, off);
        off = Math.addExact(off, counts[r]);
      }
      timed(op, () -> mpi.allgatherv(send, count, type, recv, cs, ds));
    }
  }

  @Override
  public void allReduceSum(float[] buffer) {
    MemorySegment s = segment(0, (long) buffer.length * 4);
    MemorySegment.copy(buffer, 0, s, ValueLayout.JAVA_FLOAT, 0, buffer.length);
    timed("allReduce", () -> mpi.allreduce(Mpi.IN_PLACE, s, buffer.length, mpi.typeFloat, mpi.opSum));
    MemorySegment.copy(s, ValueLayout.JAVA_FLOAT, 0, buffer, 0, buffer.length);
    bytes += CommStats.allReduceBytes(buffer.length * 4L, size);
  }

  @Override
  public void allReduceSum(double[] buffer) {
    MemorySegment s = segment(0, (long) buffer.length * 8);
    MemorySegment.copy(buffer, 0, s, ValueLayout.JAVA_DOUBLE, 0, buffer.length);
    timed("allReduce", () -> mpi.allreduce(Mpi.IN_PLACE, s, buffer.length, mpi.typeDouble, mpi.opSum));
    MemorySegment.copy(s, ValueLayout.JAVA_DOUBLE, 0, buffer, 0, buffer.length);
    bytes += CommStats.allReduceBytes(buffer.length * 8L, size);
  }

  @Override
  public void broadcast(float[] buffer, int root) {
    MemorySegment s = segment(0, (long) buffer.length * 4);
    MemorySegment.copy(buffer, 0, s, ValueLayout.JAVA_FLOAT, 0, buffer.length);
    timed("broadcast", () -> mpi.bcast(s, buffer.length, mpi.typeFloat, root));
    MemorySegment.copy(s, ValueLayout.JAVA_FLOAT, 0, buffer, 0, buffer.length);
    bytes += rank == root ? 0 : buffer.length * 4L;
  }

  @Override
  public void broadcast(byte[] buffer, int root) {
    MemorySegment s = segment(0, buffer.length);
    MemorySegment.copy(buffer, 0, s, ValueLayout.JAVA_BYTE, 0, buffer.length);
    timed("broadcast", () -> mpi.bcast(s, buffer.length, mpi.typeByte, root));
    MemorySegment.copy(s, ValueLayout.JAVA_BYTE, 0, buffer, 0, buffer.length);
    bytes += rank == root ? 0 : buffer.length;
  }

  @Override
  public void barrier() {
    timed("barrier", mpi::barrier);
  }

  @Override
  public CommStats stats() {
    return new CommStats(calls, nanos, bytes);
  }

  @Override
  public void abort(String message, int code) {
    System.err.println(message);
    System.err.flush();
    try {
      mpi.abort(code);
    } finally {
      Runtime.getRuntime().halt(code);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    watchdog.interrupt();
    if (!mpi.isFinalized()) {
      mpi.finalizeMpi();
    }
  }

  /** Runs one blocking MPI call under the watchdog and the counters. */
  private void timed(String op, Runnable call) {
    if (closed) {
      throw new CollectiveException(op + " after the collective was closed");
    }
    long limit = synced ? timeoutNanos : Math.max(timeoutNanos, Collectives.STARTUP_TIMEOUT.toNanos());
    long t0 = System.nanoTime();
    current = op;
    callStart = t0;
    deadline = t0 + limit;
    try {
      call.run();
      synced = true;
    } finally {
      deadline = 0;
      nanos += System.nanoTime() - t0;
      calls++;
    }
  }

  private void watch() {
    while (!closed) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
      long d = deadline;
      if (d != 0 && System.nanoTime() - d > 0 && !closed) {
        String msg = String.format(Locale.ROOT,
            "negmine rank %d of %d: %s waited %.0f s for the other ranks (limit %.0f s): a rank died or hangs; aborting the job",
            rank, size, current, (System.nanoTime() - callStart) / 1e9, (d - callStart) / 1e9);
        abort(msg, 3);
      }
    }
  }

  private MemorySegment segment(int slot, long bytesNeeded) {
    MemorySegment s = scratch[slot];
    if (s == null || s.byteSize() < bytesNeeded) {
      s = arena.allocate(Math.max(64, Long.highestOneBit(Math.max(1, bytesNeeded - 1)) << 1), 64);
      scratch[slot] = s;
    }
    return s;
  }

  private static long sum(int[] a) {
    long s = 0;
    for (int v : a) {
      s += v;
    }
    return s;
  }
}
