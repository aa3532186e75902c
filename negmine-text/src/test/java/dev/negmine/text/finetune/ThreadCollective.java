package dev.negmine.text.finetune;

import dev.negmine.core.distributed.Collective;
import dev.negmine.core.distributed.CollectiveException;
import dev.negmine.core.distributed.CommStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A test's data-parallel group: ranks are threads of this process, one {@link Collective} each.
 * Every operation publishes the rank's contribution, waits for all ranks (a barrier that gives up
 * after {@link #TIMEOUT_S} s, so a rank that failed cannot hang the others), reads them all, and
 * waits again before a slot may be reused. Each instance is used by its rank's thread only.
 */
final class ThreadCollective implements Collective {
  static final long TIMEOUT_S = 120;

  private final int rank;
  private final Object[] slots;
  private final CyclicBarrier barrier;
  private long calls;

  private ThreadCollective(int rank, Object[] slots, CyclicBarrier barrier) {
    this.rank = rank;
    this.slots = slots;
    this.barrier = barrier;
  }

  /** A group of {@code world} ranks; element {@code r} is rank {@code r}'s. */
  static List<Collective> group(int world) {
    Object[] slots = new Object[world];
    CyclicBarrier barrier = new CyclicBarrier(world);
    List<Collective> out = new ArrayList<>();
    for (int r = 0; r < world; r++) {
      out.add(new ThreadCollective(r, slots, barrier));
    }
    return out;
  }

  /** Every rank's {@code mine}, in rank order. */
  private Object[] exchange(Object mine) {
    calls++;
    slots[rank] = mine;
    await();
    Object[] all = slots.clone();
    await();
    return all;
  }

  private void await() {
    try {
      barrier.await(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CollectiveException("rank " + rank + " interrupted", e);
    } catch (BrokenBarrierException | TimeoutException e) {
      throw new CollectiveException("rank " + rank + ": another rank failed or is late", e);
    }
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int worldSize() {
    return slots.length;
  }

  @Override
  public float[] allGather(float[] local) {
    Object[] all = exchange(local.clone());
    int n = 0;
    for (Object o : all) {
      n += ((float[]) o).length;
    }
    float[] out = new float[n];
    int at = 0;
    for (Object o : all) {
      float[] a = (float[]) o;
      System.arraycopy(a, 0, out, at, a.length);
      at += a.length;
    }
    return out;
  }

  @Override
  public long[] allGather(long[] local) {
    Object[] all = exchange(local.clone());
    int n = 0;
    for (Object o : all) {
      n += ((long[]) o).length;
    }
    long[] out = new long[n];
    int at = 0;
    for (Object o : all) {
      long[] a = (long[]) o;
      System.arraycopy(a, 0, out, at, a.length);
      at += a.length;
    }
    return out;
  }

  @Override
  public float[] allGather(float[] local, int[] counts) {
    check(local.length, counts);
    return allGather(local);
  }

  @Override
  public long[] allGather(long[] local, int[] counts) {
    check(local.length, counts);
    return allGather(local);
  }

  private void check(int length, int[] counts) {
    if (counts.length != slots.length || counts[rank] != length) {
      throw new CollectiveException("rank " + rank + ": counts " + java.util.Arrays.toString(counts) + " do not match " + length);
    }
  }

  @Override
  public void allReduceSum(float[] buffer) {
    Object[] all = exchange(buffer.clone());
    java.util.Arrays.fill(buffer, 0f);
    for (Object o : all) {
      float[] a = (float[]) o;
      for (int i = 0; i < buffer.length; i++) {
        buffer[i] += a[i];
      }
    }
  }

  @Override
  public void allReduceSum(double[] buffer) {
    Object[] all = exchange(buffer.clone());
    java.util.Arrays.fill(buffer, 0);
    for (Object o : all) {
      double[] a = (double[]) o;
      for (int i = 0; i < buffer.length; i++) {
        buffer[i] += a[i];
      }
    }
  }

  @Override
  public void broadcast(float[] buffer, int root) {
    float[] r = (float[]) exchange(buffer.clone())[root];
    System.arraycopy(r, 0, buffer, 0, buffer.length);
  }

  @Override
  public void broadcast(byte[] buffer, int root) {
    byte[] r = (byte[]) exchange(buffer.clone())[root];
    System.arraycopy(r, 0, buffer, 0, buffer.length);
  }

  @Override
  public void barrier() {
    exchange(null);
  }

  @Override
  public CommStats stats() {
    return new CommStats(calls, 0, 0);
  }

  @Override
  public void abort(String message, int code) {
    barrier.reset(); // the other ranks' waits fail at once
    throw new CollectiveException("rank " + rank + " aborted (" + code + "): " + message);
  }

  @Override
  public void close() {}
}
